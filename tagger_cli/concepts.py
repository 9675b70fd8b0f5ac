"""A general vocabulary of listening concepts, each described by the MTAT tags it implies.

Free words rarely name a trained tag: people type "jogging", "candlelight dinner", "gregorian",
"nashville". Each :class:`Concept` here is one such idea (an activity, place, time of day,
season or holiday, mood, era, culture, instrument or genre) with the words people use for it
(``aliases``) and the tags it implies (``weights``: positive = the songs should have the tag,
negative = they should not). The vocabulary was written from general music knowledge (what
music goes with an activity, what instruments a genre uses), not from any benchmark query.

Weights use MTAT tag names (any of the 188 in :data:`mtat.tags.MTAT_TAGS`); a model trained on
another top-K keeps the tags it knows (:func:`resolve_weights` maps a missing tag to a trained
synonym, e.g. ``vocals`` -> ``vocal``, and drops the rest).

Written as compact text, one concept per line (indented lines continue the previous one)::

    name: alias, alias, ... | tag:weight tag:weight -tag:weight @BUNDLE

``@BUNDLE`` inserts one of :data:`BUNDLES` (shared profiles such as calm or dance), ``-tag:w``
is a negative weight; an explicit tag overrides a bundle's weight for it.
"""
from __future__ import annotations

import dataclasses
import functools
import re
from collections.abc import Mapping, Sequence

#: Shared tag profiles used by many concepts.
BUNDLES: dict[str, str] = {
    "CALM": ("ambient:.6 soft:.7 quiet:.7 slow:.5 new age:.4 calm:.5 mellow:.4 -loud:.6 -fast:.4 -drums:.4 "
        "-metal:.5 -beat:.3"),
    "ENERGY": "fast:.8 loud:.6 beat:.6 drums:.6 upbeat:.4 -slow:.5 -quiet:.5 -soft:.4 -ambient:.3",
    "DANCE": "dance:.9 techno:.8 electronic:.8 beat:.9 beats:.6 fast:.5 synth:.5 house:.4 -slow:.4 -classical:.4",
    "ROCK": "rock:1 guitar:.6 electric guitar:.5 drums:.6 loud:.6 -classical:.4 -quiet:.3",
    "HEAVY": "rock:.9 metal:1 heavy metal:.8 loud:.9 drums:.6 fast:.5 guitar:.5 -quiet:.6 -soft:.6",
    "POP": "pop:1 vocal:.5 singing:.4 drums:.4 beat:.4 -classical:.4",
    "CLASSICAL": "classical:1 classic:.5 -electronic:.5 -drums:.4 -beat:.4 -rock:.4",
    "ORCHESTRA": "classical:.8 strings:.9 violin:.6 cello:.4 orchestral:.5 -electronic:.5 -drums:.4",
    "BAROQUE": "harpsichord:1 baroque:.8 classical:.6 strings:.4 -electronic:.5",
    "SACRED": "choir:1 choral:.9 vocal:.4 organ:.3 -opera:.5 -drums:.5 -electronic:.5",
    "OPERA": "opera:1 operatic:.6 vocal:.5 classical:.5 soprano:.3 -choir:.4 -choral:.3 -electronic:.5 -drums:.4",
    "ELECTRONIC": "electronic:1 synth:.8 techno:.5 electro:.3 -classical:.4 -acoustic:.3",
    "SPOOKY": "weird:1 strange:.7 eerie:.7 dark:.5 scary:.5 spacey:.3 noise:.3 -happy:.4 -pop:.4",
    "COUNTRY": "country:1 guitar:.4 acoustic guitar:.3 banjo:.4 fiddle:.2 vocal:.3 -electronic:.4",
    "INDIAN": "indian:1 sitar:.9 eastern:.4 india:.4 world:.2 -electronic:.3",
    "ACOUSTIC_GUITAR": "guitar:1 acoustic guitar:.6 classical guitar:.5 acoustic:.5 solo:.3 -electronic:.4 -drums:.3",
    "FLUTE": "flute:1 flutes:.4 woodwind:.4 airy:.3 -drums:.3 -electronic:.3",
    "HARP": "harp:1 classical:.3 soft:.3 -drums:.4 -electronic:.3",
    "PIANO": "piano:1 piano solo:.5 solo:.3 classical:.3 -drums:.3 -electronic:.3",
    "SAD": "slow:.8 sad:.8 piano:.4 strings:.4 soft:.4 -happy:.5 -fast:.5 -dance:.4",
    "HAPPY": "happy:.8 upbeat:.8 pop:.6 fast:.4 -sad:.5 -slow:.4 -dark:.4",
    "INSTRUMENTAL": "no vocals:1 no vocal:.8 no voice:.6 instrumental:.6 -vocal:.6 -singing:.5",
}

_CONCEPTS = """
# --- activities -------------------------------------------------------------------------------------
running: running, jogging, jog, run, sprint, marathon training | @ENERGY techno:.6 electronic:.5 pop:.5 dance:.4
    rock:.4
workout: workout, gym, exercise, fitness, cardio, weightlifting, training session, crossfit | @ENERGY techno:.6
    rock:.5 electronic:.5 pop:.4 dance:.4
cycling: cycling, biking, spinning class, bike ride | @ENERGY techno:.6 electronic:.5 pop:.4 rock:.4
dancing: dancing, dance floor, dance party, clubbing, boogie, groove | @DANCE pop:.6
party: party, house party, celebration, get the party started, festivities | @DANCE pop:.8 loud:.4
rave: rave, raver, all-nighter, warehouse rave, glow sticks | @DANCE loud:.5 repetitive:.4
studying: studying, study, homework, exam revision, learning, concentration | @CALM @INSTRUMENTAL piano:.4
    classical:.4
focus: focus, concentrate, deep work, productivity, working, office work | @INSTRUMENTAL ambient:.6 electronic:.3
    soft:.4 quiet:.4 -loud:.5 -vocal:.4 repetitive:.3
coding: coding, programming, hacking at night | ambient:.6 electronic:.6 synth:.4 techno:.3 @INSTRUMENTAL -loud:.3
reading: reading, reading a book, library, bookshop | @CALM @INSTRUMENTAL piano:.5 classical:.5 guitar:.3
sleep: sleep, sleeping, falling asleep, bedtime, nap, insomnia cure | @CALM @INSTRUMENTAL harp:.4 piano:.4 new
    age:.6
lullaby: lullaby, cradle song, baby sleeping, nursery | @CALM harp:.6 piano:.5 flute:.4 -vocal:.2
meditation: meditation, meditate, mindfulness, breathing exercise, zen | @CALM @INSTRUMENTAL new age:.9 ambient:.9
    drone:.4 indian:.3 flute:.3 harp:.3
yoga: yoga, pilates, stretching, tai chi | @CALM new age:.8 ambient:.8 indian:.4 sitar:.3 flute:.4 harp:.3
    @INSTRUMENTAL
massage: massage, spa, wellness, sauna, aromatherapy | @CALM new age:1 ambient:.8 harp:.5 flute:.5 @INSTRUMENTAL
relaxing: relaxing, relax, relaxation, unwind, wind down, decompress, chill out, laid back | @CALM new age:.5
    ambient:.7
cooking: cooking, baking, kitchen, making dinner | pop:.5 guitar:.4 acoustic:.4 happy:.4 upbeat:.3 -loud:.3
    -weird:.4
cleaning: cleaning, housework, chores, tidying up | pop:.8 upbeat:.6 fast:.5 beat:.5 happy:.4 rock:.3 dance:.3
driving: driving, drive, cruising, highway, car ride | rock:.6 pop:.6 beat:.4 drums:.4 fast:.3 guitar:.3
road trip: road trip, on the road, long drive, sing along in the car | rock:.7 pop:.7 country:.6 guitar:.5 vocal:.4
    singing:.4
night drive: night drive, late night drive, driving at night, neon highway | electronic:.8 synth:.8 techno:.5
    ambient:.4 pop:.3 beat:.4
commute: commute, commuting, on the train, bus ride, subway | pop:.5 electronic:.4 ambient:.3 beat:.3
walking: walking, walk, stroll, hiking, hike, trekking | guitar:.5 acoustic:.5 flute:.4 folk:.4 soft:.3 country:.3
gaming: gaming, video game, video games, arcade, chiptune, 8-bit, game soundtrack | electronic:.9 synth:.8 techno:.6
    beat:.5 fast:.4 weird:.3
boss fight: boss fight, battle, fight scene, combat, war | loud:.8 fast:.7 drums:.7 rock:.6 metal:.5 techno:.4
    dark:.3
headbanging: headbang, headbanging, moshing, mosh pit, circle pit | @HEAVY
skating: skateboarding, skate park, skater | rock:.9 punk:.8 loud:.6 fast:.6 drums:.5 guitar:.5
surfing: surfing, surf, surfer | rock:.6 guitar:.7 pop:.4 upbeat:.4
karaoke: karaoke, sing along, singalong, sing-along | pop:1 vocal:.8 singing:.8 rock:.4 country:.3
wedding: wedding, wedding ceremony, bride, walking down the aisle, marriage | strings:.7 classical:.6 choir:.4
    organ:.4 harp:.5 piano:.5 violin:.4 soft:.3
first dance: first dance, slow dance, slow dancing | slow:.7 soft:.5 pop:.5 piano:.4 strings:.3 vocal:.4 -fast:.5
    -loud:.5
funeral: funeral, memorial, mourning, requiem, grief, grieving | @SAD choir:.6 choral:.5 strings:.6 organ:.4
    classical:.5
church: church, church service, mass, worship, prayer, praying, sunday service | @SACRED organ:.6 classical:.3
ballet: ballet, ballet class, ballerina, dance recital | classical:.9 piano:.7 strings:.6 orchestral:.4 harp:.3
    -drums:.4 -electronic:.5
horse riding: horse riding, horseback, rodeo, ranch, riding horses | @COUNTRY
line dance: line dance, line dancing, square dance, hoedown, barn dance | @COUNTRY fast:.5 fiddle:.6 banjo:.6
sports: sports, stadium, football match, game day, arena | rock:.8 loud:.7 drums:.6 fast:.5 pop:.4 beat:.4
motivation: motivation, motivational, pump up, hype, get pumped | @ENERGY rock:.5 techno:.4 pop:.4
daydreaming: daydreaming, daydream, staring out the window | ambient:.7 soft:.5 piano:.4 harp:.4 new age:.4 slow:.4
romance: romance, romantic, date night, love making, candlelight, candle light, valentine | slow:.6 soft:.6 piano:.6
    strings:.6 violin:.4 guitar:.3 harp:.3 -loud:.6 -fast:.4 -metal:.5 -weird:.4
dinner: dinner, dinner party, restaurant, dining, fine dining, supper | piano:.7 soft:.6 classical:.5 strings:.5
    guitar:.4 quiet:.4 -loud:.6 -metal:.5 -techno:.4
gardening: gardening, garden, planting | acoustic:.5 guitar:.5 flute:.4 soft:.4 happy:.3
painting: painting, drawing, art studio, creative work | ambient:.5 piano:.5 soft:.4 classical:.3 guitar:.3
storytelling: storytelling, fairy tale, once upon a time, fantasy | harp:.6 flute:.6 strings:.5 classical:.4
    medieval:.3
haunted house: haunted house, ghost, ghosts, haunted, seance | @SPOOKY
sci-fi: sci-fi, science fiction, space movie, robots, androids, cyberpunk | electronic:.8 synth:.8 spacey:.6
    weird:.5 ambient:.5 techno:.4
film score: film score, movie soundtrack, soundtrack, cinematic, trailer music | @ORCHESTRA ambient:.3 loud:.3
protest: protest, rebellion, rebel, riot, anarchy | rock:.9 punk:.8 loud:.8 fast:.5 -soft:.5
# --- places ------------------------------------------------------------------------------------------
beach: beach, seaside, tropical, island, palm trees, sunbathing, poolside | pop:.6 guitar:.6 acoustic:.5 happy:.4
    upbeat:.4 reggae:.3 ambient:.3 -dark:.4 -metal:.5
ocean: ocean, sea, waves, underwater, tide, seashore | ambient:.9 new age:.6 water:.6 soft:.5 harp:.3 slow:.4
    -loud:.5
nightclub: nightclub, club, disco, discotheque, dance club | @DANCE
bar: bar, pub, tavern, saloon, jukebox, dive bar | rock:.6 country:.6 guitar:.6 vocal:.4 blues:.3
honky tonk: honky tonk, honky-tonk, roadhouse | @COUNTRY rock:.3
cathedral: cathedral, basilica, chapel, abbey, gothic church | @SACRED organ:.7 choral:1
monastery: monastery, monk, monks, convent, nuns, cloister | @SACRED chant:.8 chanting:.6 male:.3 monks:.6 slow:.4
temple: temple, shrine, ashram, pagoda | indian:.7 sitar:.5 ambient:.5 new age:.4 chant:.4 eastern:.4 drone:.3
concert hall: concert hall, symphony hall, philharmonic, recital | @ORCHESTRA piano:.5 classical:1 opera:.3
opera house: opera house, la scala, the met | @OPERA
palace: palace, royal court, court, castle, ballroom, aristocrat, king, queen, chateau | @BAROQUE strings:.6
    classical:.8
stadium: stadium, arena concert, festival main stage, big crowd | rock:.9 loud:.8 pop:.6 drums:.6 guitar:.5
warehouse: warehouse, underground, basement party, bunker | @DANCE loud:.5 dark:.4 industrial:.4
cafe: cafe, coffee shop, coffeehouse, bistro, brunch | acoustic:.6 guitar:.6 piano:.6 soft:.5 jazz:.4 -loud:.6
    -metal:.5 -techno:.4
forest: forest, woods, woodland, trees, nature, meadow | ambient:.6 flute:.6 acoustic:.4 new age:.5 birds:.4 soft:.4
    harp:.3
mountains: mountains, mountain, alps, cabin, log cabin, countryside | acoustic:.6 guitar:.6 folk:.6 flute:.5
    country:.4 soft:.3
desert: desert, sahara, dunes | middle eastern:.6 eastern:.5 arabic:.5 guitar:.4 ambient:.4
farm: farm, barn, village, rural, small town | @COUNTRY folk:.5
city: city, urban, downtown, street, metropolis | electronic:.5 beat:.6 beats:.5 pop:.5 hip hop:.4 techno:.3
space: space, outer space, galaxy, cosmos, stars, planets, alien, aliens, spaceship, space station | spacey:.9
    space:.8 ambient:.8 synth:.7 electronic:.6 weird:.5
jungle: jungle, rainforest, wilderness, safari | tribal:.5 percussion:.5 ambient:.5 birds:.4 flute:.4 drums:.3
    world:.3
mall: mall, shopping, supermarket, store, shop, waiting room, elevator | pop:.7 soft:.4 light:.4 -metal:.6 -weird:.5
cabaret: cabaret, vaudeville, music hall, parlour, parlor, salon | piano:.8 vocal:.4 classical:.3 old:.4
# --- times, seasons, holidays ------------------------------------------------------------------------
morning: morning, sunrise, dawn, breakfast, waking up, wake up, early | soft:.5 acoustic:.5 guitar:.5 piano:.5
    flute:.4 happy:.4 light:.4 -loud:.4 -dark:.5 -metal:.5
coffee: coffee, tea, lazy sunday, sunday morning, slow morning | acoustic:.6 guitar:.5 piano:.6 soft:.6 mellow:.4
    flute:.3 -loud:.6 -techno:.5 -metal:.6
afternoon: afternoon, lunch, siesta | soft:.4 acoustic:.4 pop:.4 guitar:.4 happy:.3
evening: evening, dusk, twilight, sunset, golden hour | soft:.6 slow:.5 ambient:.5 guitar:.4 piano:.4 mellow:.4
    -fast:.3
night: night, nighttime, late night, after dark, midnight, moonlight, 3am, small hours | ambient:.6 slow:.5 soft:.5
    piano:.5 dark:.4 electronic:.3 quiet:.4
friday night: friday night, saturday night, weekend, night out, going out | @DANCE pop:.8 rock:.4 loud:.4
spring: spring, springtime, blossom, flowers | flute:.6 harp:.4 happy:.5 light:.5 soft:.4 classical:.3 acoustic:.3
summer: summer, summertime, heatwave, sunny, sunshine, vacation, holiday trip | pop:.7 happy:.6 upbeat:.6 guitar:.4
    acoustic:.3 -dark:.5 -sad:.4
autumn: autumn, fall, rainy day, rain, rainy, cloudy, grey day, fog | slow:.6 soft:.6 piano:.6 sad:.4 acoustic:.4
    guitar:.4 strings:.4 ambient:.3 -happy:.3 -fast:.3
winter: winter, snow, snowy, cold, frost, fireplace, fire place, cozy, cosy, hygge | soft:.6 slow:.5 piano:.6
    acoustic:.4 strings:.4 classical:.3 quiet:.4 -loud:.4
christmas: christmas, xmas, christmas carols, carols, carol, nativity, advent, noel, yuletide, santa | choir:1
    choral:.9 vocal:.4 bells:.5 organ:.4 classical:.3 -metal:.5 -techno:.4
easter: easter, good friday, lent, pentecost | @SACRED classical:.4
halloween: halloween, spooky season, trick or treat, horror, horror movie, zombie, vampire, witches | @SPOOKY
new year: new year, new year's eve, countdown, fireworks | @DANCE pop:.8 happy:.4
birthday: birthday, birthday party, celebration | pop:.9 happy:.8 upbeat:.7 dance:.4 fast:.3
diwali: diwali, holi, bollywood, bhangra | @INDIAN pop:.3 dance:.3 fast:.3
# --- moods -------------------------------------------------------------------------------------------
happy: happy, joyful, cheerful, joy, sunny mood, good mood, feel good, feel-good, uplifting, positive | @HAPPY
sad: sad, sadness, melancholy, melancholic, sorrow, depressed, depressing, heartbreak, heartbroken, breakup, crying,
    tears, lonely, loneliness | @SAD
angry: angry, anger, rage, furious, aggressive, aggression, mad, frustrated | @HEAVY punk:.5
calm: calm, peaceful, tranquil, serene, serenity, soothing, gentle, quiet time, still | @CALM @INSTRUMENTAL harp:.3
    flute:.3
chill: chill, chilled, chillout, chill out, mellow, easygoing, lounge, downtempo | ambient:.7 soft:.6 mellow:.7
    slow:.5 electronic:.4 beat:.3 -loud:.6 -metal:.6 -fast:.4
dreamy: dreamy, dreamlike, ethereal, floating, hazy, celestial, heavenly, angelic | ambient:.9 harp:.7 new age:.6
    soft:.6 spacey:.5 synth:.4 airy:.4 -loud:.6 -drums:.4
energetic: energetic, energy, high energy, intense, powerful, adrenaline, upbeat, lively, pumped | @ENERGY rock:.4
    techno:.4 pop:.4
scary: scary, creepy, spooky, eerie, sinister, unsettling, disturbing, nightmare, menacing, terrifying | @SPOOKY
dark: dark, gloomy, brooding, ominous, moody, noir | dark:.9 slow:.5 eerie:.5 weird:.5 ambient:.4 -happy:.6
mysterious: mysterious, mystery, enigmatic, mystical, magical, arcane | weird:.6 eerie:.5 ambient:.6 spacey:.4
    eastern:.4 harp:.3
epic: epic, dramatic, grand, majestic, heroic, triumphant, victorious, anthem | orchestral:.7 strings:.7 choir:.5
    loud:.6 opera:.4 classical:.5 drums:.3
romantic: romantic, tender, loving, in love, love song, sensual | slow:.6 soft:.6 piano:.6 strings:.5 violin:.5
    vocal:.3 -loud:.6 -metal:.6 -weird:.4
playful: playful, whimsical, quirky, bouncy, silly, fun, funny | happy:.6 flute:.5 pop:.5 upbeat:.5 fast:.4 -dark:.5
    -sad:.5
spiritual: spiritual, sacred, holy, divine, religious, devotional, soulful prayer, transcendent | choir:.8 choral:.6
    chant:.5 indian:.4 new age:.4 ambient:.4 organ:.3
nostalgic: nostalgic, nostalgia, memories, bittersweet, wistful, sentimental | slow:.5 soft:.5 piano:.6 acoustic:.4
    guitar:.4 strings:.4 old:.3
elegant: elegant, refined, classy, sophisticated, graceful, posh, fancy | classical:.8 piano:.6 strings:.6
    harpsichord:.5 harp:.4 -loud:.5 -metal:.6 -techno:.4
tense: tense, suspense, suspenseful, tension, anxious, nervous, thriller | weird:.6 dark:.5 strings:.5 eerie:.5
    drone:.3 -happy:.5
hypnotic: hypnotic, trance-like, repetitive, mesmerizing, trippy, psychedelic | repetitive:.8 techno:.6
    electronic:.6 trance:.5 drone:.5 sitar:.3 ambient:.4
euphoric: euphoric, euphoria, ecstatic, blissful, hands in the air | @DANCE trance:.6 happy:.5 loud:.4
rebellious: rebellious, defiant, attitude, edgy, raw | rock:1 punk:.7 loud:.7 guitar:.5 drums:.5
confident: confident, swagger, cool, badass, sexy | beat:.7 beats:.6 pop:.5 hip hop:.5 electronic:.4 drums:.4
weird: weird, strange, bizarre, odd, surreal, alien sounds, otherworldly, abstract | weird:1 strange:.8 spacey:.5
    noise:.4 electronic:.3
hopeful: hopeful, inspiring, inspirational, optimistic, bright | happy:.6 strings:.5 piano:.5 pop:.4 upbeat:.4
    -dark:.5
lazy: lazy, sleepy, drowsy, slow paced, easy | slow:.8 soft:.7 quiet:.5 ambient:.4 acoustic:.3 -fast:.6 -loud:.6
# --- eras --------------------------------------------------------------------------------------------
medieval: medieval, middle ages, renaissance, renaissance fair, knights, troubadour, minstrel, madrigal, jester |
    medieval:1 lute:.6 flute:.6 harpsichord:.5 choir:.4 chant:.3 acoustic:.3 -electronic:.6 -drums:.3
baroque: baroque, 17th century, 18th century, 1700s, harpsichord era, bach, handel, vivaldi, telemann, scarlatti,
    couperin | @BAROQUE
classical era: classical period, mozart, haydn, 1780s, minuet, sonata, symphony, concerto | @CLASSICAL strings:.7
    piano:.6 orchestral:.4 harpsichord:.3
romantic era: romantic era, 19th century, chopin, liszt, schubert, schumann, brahms, tchaikovsky, beethoven,
    nocturne | @CLASSICAL piano:.9 strings:.5 orchestral:.3
opera composers: puccini, verdi, wagner, rossini, bizet, donizetti, pavarotti, callas, bel canto | @OPERA
victorian: victorian, edwardian, 1800s, old fashioned, antique, gramophone | piano:.6 classical:.6 strings:.4
    harp:.3 old:.5
jazz age: 1920s, 1930s, roaring twenties, swing era, big band, speakeasy | jazz:.9 piano:.5 horns:.5 trumpet:.4
    sax:.4 old:.4
fifties: 1950s, 50s, fifties, rock n roll, rock and roll, rockabilly, doo wop, jukebox hits | rock:.8 guitar:.6
    vocal:.5 pop:.4 country:.4 old:.4 drums:.4
sixties: 1960s, 60s, sixties, flower power, woodstock, british invasion | rock:.7 pop:.6 guitar:.6 folk:.4 vocal:.4
seventies: 1970s, 70s, seventies, classic rock, arena rock, stadium rock | rock:1 guitar:.7 drums:.6 loud:.5
    electric guitar:.4
eighties: 1980s, 80s, eighties, synthpop, synth pop, new wave, retro synth, synthwave, outrun | synth:.9
    electronic:.7 pop:.8 beat:.5 drums:.3 dance:.4
nineties: 1990s, 90s, nineties, eurodance, rave era | techno:.7 dance:.7 electronic:.7 pop:.5 rock:.3 beat:.5
modern: modern, contemporary, current, today's hits, new releases | pop:.6 electronic:.5 modern:.6 beat:.4
futuristic: futuristic, future, sci fi future, cyber, robotic, digital | electronic:1 synth:.8 techno:.6 spacey:.5
    weird:.4 -acoustic:.5 -classical:.5
ancient: ancient, antiquity, ancient greece, ancient rome, mythology, lyre | harp:.7 flute:.6 lute:.3 medieval:.3
    old:.3 drone:.3
# --- cultures and regions ----------------------------------------------------------------------------
india: india, indian, hindustani, carnatic, raga, rag, varanasi, bengal, punjab, ravi shankar, tabla | @INDIAN
middle east: middle east, middle eastern, arabic, arab, persian, turkish, belly dance, bazaar, oud | middle
    eastern:1 arabic:.8 eastern:.7 world:.4 percussion:.3
far east: japan, japanese, china, chinese, asian, oriental, koto, shamisen, zen garden, bamboo | oriental:.8
    eastern:.7 flute:.5 world:.4 ambient:.4 soft:.3
korea: k-pop, kpop, korean pop, j-pop, jpop | pop:1 dance:.5 electronic:.4 vocal:.4 beat:.4
america south: american south, southern, twang, twangy, yeehaw, texas, tennessee, nashville, kentucky, appalachia,
    appalachian, dixie | @COUNTRY
wild west: wild west, old west, cowboy, cowboys, western, frontier, prairie | @COUNTRY
ireland: irish, ireland, celtic, scottish, scotland, gaelic, highlands, bagpipes, jig, reel | celtic:1 irish:.8
    flute:.7 fiddle:.6 violin:.4 harp:.5 folk:.5
spain: spanish, spain, flamenco, andalusia, seville, madrid, tango, latin guitar | spanish:1 guitar:.9 acoustic
    guitar:.6 classical guitar:.5 acoustic:.4
latin: latin, latin american, brazil, brazilian, bossa nova, samba, salsa, mexico, mexican, cuba, cuban | guitar:.7
    acoustic guitar:.5 percussion:.5 spanish:.5
andes: andes, andean, peru, bolivia, inca, pan pipes, panpipes, pan flute | flute:1 flutes:.8 world:.5 folk:.3
native american: native american, first nations, powwow, tribal flute | flute:.8 tribal:.6 drums:.4 chant:.4
    world:.4
africa: africa, african, djembe, congo, kenya, savanna | percussion:.8 tribal:.7 drums:.7 world:.6 bongos:.4
caribbean: caribbean, jamaica, jamaican, reggae, ska, calypso, dancehall | reggae:1 beat:.5 guitar:.4 happy:.4
    pop:.3
italy: italy, italian, naples, neapolitan, venice, rome, tuscany | opera:.8 classical:.5 operatic:.4 strings:.3
austria germany: vienna, viennese, austria, salzburg, germany, german, leipzig, waltz | @CLASSICAL strings:.7
    piano:.6 orchestral:.5 opera:.3
france: france, french, paris, parisian, chanson, accordion | piano:.5 vocal:.4 strings:.3 classical:.3 soft:.3
england: england, english, british, london, oxford, cambridge, king's college, choirboys, choir boys | choir:.6
    choral:.5 classical:.4 rock:.3 pop:.3
berlin detroit: berlin, detroit, chicago house, ibiza, berghain, techno city | @DANCE techno:1 repetitive:.4
hawaii: hawaii, hawaiian, ukulele, aloha | guitar:.7 acoustic:.6 happy:.5 soft:.4
russia: russia, russian, balalaika, slavic, orthodox | classical:.5 choir:.5 strings:.5 folk:.4
# --- instruments -------------------------------------------------------------------------------------
violin: violin, violins, violinist, fiddle playing, strings section, string section, string quartet, string
    orchestra, viola | @ORCHESTRA violin:1 strings:1
cello: cello, cellist, double bass, contrabass, bass viol | @ORCHESTRA cello:1 strings:.9 slow:.3
orchestra: orchestra, orchestral, symphony orchestra, symphonic, philharmonic orchestra | @ORCHESTRA orchestra:.8
    orchestral:.9 loud:.2
piano: piano, pianist, grand piano, upright piano, keys, ivories | @PIANO
keyboard: keyboard, organ, electric piano, rhodes, church organ, pipe organ | organ:.9 piano:.5 keyboard:.6 choir:.3
    classical:.3
harpsichord: harpsichord, clavichord, spinet, virginal, cembalo | @BAROQUE harpsichord:1
harp: harp, harpist, lyre, zither, celtic harp | @HARP
guitar: guitar, guitarist, six string, guitar solo | guitar:1 guitars:.4 solo:.3
acoustic guitar: acoustic guitar, classical guitar, spanish guitar, nylon string, nylon string guitar, fingerstyle,
    fingerpicking, strumming, unplugged, lute | @ACOUSTIC_GUITAR
electric guitar: electric guitar, distortion, distorted guitar, power chords, riff, riffs, shredding, guitar solo,
    wah wah, fuzz | rock:1 electric guitar:.9 guitar:.8 loud:.6 metal:.4 drums:.4
banjo: banjo, mandolin, dobro, pedal steel, steel guitar, slide guitar, harmonica | @COUNTRY banjo:1
fiddle: fiddle, fiddler, country fiddle, bluegrass fiddle | country:.9 fiddle:1 violin:.6 strings:.4 folk:.4
flute: flute, flutist, flautist, piccolo, recorder, woodwind, woodwinds, fife, whistle, tin whistle | @FLUTE
reeds: clarinet, oboe, bassoon, saxophone, sax | woodwind:.8 clarinet:.6 oboe:.5 sax:.5 classical:.4 jazz:.3
brass: trumpet, trombone, horns, brass, french horn, tuba | horns:.8 trumpet:.7 horn:.6 orchestral:.4 jazz:.3
sitar: sitar, tanpura, tambura, sarod, veena, shehnai, bansuri | @INDIAN sitar:1
percussion: percussion, drums, drummer, drum kit, timpani, bongos, congas | drums:1 percussion:.8 beat:.6 beats:.4
drum machine: drum machine, 808, tr-808, 909, sequencer, drum pad, drum loop | techno:.9 electronic:.9 beat:1
    beats:.8 drums:.4 synth:.5
synthesizer: synthesizer, synth, synths, synth pads, pads, analog synth, modular synth, arpeggiator, theremin |
    synth:1 synthesizer:.8 electronic:.9 ambient:.4 spacey:.4 techno:.4
bells: bells, chimes, glockenspiel, celesta, music box, singing bowls, gong, wind chimes | bells:.9 chimes:.8
    ambient:.7 new age:.6 soft:.4
bass: bass, bassline, sub bass, heavy bass, bass drop, wobble | electronic:.7 techno:.6 beat:.7 bass:.6 loud:.5
    dance:.4
# --- voices ------------------------------------------------------------------------------------------
choir: choir, choirs, chorus, chorale, choral, ensemble singing, voices together, a cappella, acapella, hymn, hymns,
    psalm, gospel choir | @SACRED
chant: chant, chanting, gregorian, plainsong, plainchant, monks chanting, mantra, om | @SACRED chant:1 chanting:.8
    monks:.6 male:.3 slow:.5
opera: opera, operatic, powerful voice, big voice, vibrato, aria, arias, soprano, tenor, baritone, mezzo, diva,
    coloratura, bel canto singing, lieder, art song | @OPERA
female singer: female singer, woman singing, female voice, female vocals, her voice, diva, girl group, chanteuse |
    female:1 woman:.8 female vocal:.8 female voice:.8 vocal:.6 singing:.5
male singer: male singer, man singing, male voice, male vocals, his voice, crooner, baritone voice | male:1 man:.8
    male vocal:.8 male voice:.8 vocal:.6 singing:.5
vocals: vocals, singing, singer, sung, lyrics, words, voice, voices, song with lyrics | vocal:1 vocals:.8 singing:.8
    voice:.6
instrumental: instrumental, instrumentals, no lyrics, without lyrics, wordless, no words | @INSTRUMENTAL
rap: rap, rapper, rapping, hip hop, hip-hop, trap, mc, boom bap, lo-fi hip hop, lofi beats | hip hop:1 rap:1
    beats:.9 beat:.9 electronic:.4 drums:.5
# --- genres ------------------------------------------------------------------------------------------
rock: rock, rock music, rock band, alternative rock, indie rock, garage rock, grunge, soft rock | @ROCK
metal: metal, heavy metal, thrash, death metal, black metal, doom metal, metalcore, nu metal, hardcore | @HEAVY
punk: punk, punk rock, pop punk, hardcore punk, ramones | rock:1 punk:1 loud:.8 fast:.8 drums:.5 guitar:.5
hard rock: hard rock, arena rock, glam rock, hair metal | @ROCK hard rock:.9 loud:.8 metal:.4
blues: blues, bluesy, delta blues, twelve bar | blues:1 guitar:.8 vocal:.4 slow:.3
jazz: jazz, jazzy, bebop, swing, smooth jazz, cool jazz, jazz club | jazz:1 jazzy:.7 piano:.6 sax:.5 drums:.3
funk: funk, funky, disco, groove, soul, motown, r&b, rnb | funk:.9 funky:.7 disco:.6 beat:.6 dance:.5 bass:.5 pop:.4
pop: pop, pop music, top 40, top forty, chart hits, hits, radio hits, mainstream, bubblegum, teen pop, boy band,
    catchy | @POP happy:.3
ballad: ballad, power ballad, love ballad, torch song, singer songwriter, singer-songwriter | slow:.7 vocal:.7
    pop:.6 piano:.5 guitar:.4 soft:.5
country: country, country music, country and western, bluegrass, americana, honky tonk music, outlaw country |
    @COUNTRY
folk: folk, folk music, folksy, traditional music, acoustic folk, campfire | folk:1 acoustic:.8 guitar:.7 acoustic
    guitar:.5 flute:.3 fiddle:.3 country:.3
techno: techno, minimal techno, acid techno, detroit techno, hard techno, tech house | @DANCE techno:1 repetitive:.5
house: house, house music, deep house, progressive house, garage house | @DANCE house:1
trance: trance, psytrance, goa, progressive trance, uplifting trance | @DANCE trance:1 synth:.7
edm: edm, electronic dance music, dubstep, drum and bass, drum n bass, dnb, jungle music, breakbeat, big room,
    electro house | @DANCE loud:.5 fast:.5
electronic: electronic, electronica, electro, idm, synth music, computer music, digital music | @ELECTRONIC
ambient: ambient, ambient music, drone, soundscape, atmospheric, atmosphere, background music, chillout music, space
    music | ambient:1 new age:.6 synth:.5 soft:.5 slow:.5 spacey:.4 drone:.4 -drums:.5 -loud:.5 -vocal:.4
new age: new age, healing music, relaxation music, spa music, enya | new age:1 ambient:.8 soft:.6 harp:.4 flute:.4
    synth:.3 @INSTRUMENTAL
experimental: experimental, avant-garde, avant garde, noise music, musique concrete, sound art, glitch, atonal,
    dissonant, industrial | weird:1 strange:.7 noise:.6 electronic:.4 industrial:.4 -pop:.5 -happy:.4
sound effects: sound effects, sfx, foley, field recording, noises, nature sounds, birdsong, bird song, animal
    sounds, water sounds, wind sounds | weird:.8 noise:.6 birds:.6 water:.6 wind:.5 ambient:.5 -vocal:.5
classical: classical, classical music, classic, symphony, chamber music, chamber ensemble, art music, concerto,
    sonata, etude, fugue, prelude, early music, serious music | @CLASSICAL strings:.5 piano:.5 harpsichord:.3
    flute:.2 harp:.2
world: world music, world, ethnic, folk traditions, global | world:1 indian:.5 eastern:.5 flute:.4 percussion:.4
    tribal:.4
gospel: gospel, spirituals, praise and worship, christian music | choir:.9 vocal:.7 choral:.6 singing:.6 organ:.4
religious choral: sacred music, liturgical, motet, requiem mass, vespers, oratorio, cantata | @SACRED classical:.6
    orchestral:.3
easy listening: easy listening, elevator music, muzak, lounge music, smooth | soft:.8 mellow:.7 light:.6 piano:.5
    pop:.4 -loud:.7 -metal:.7
lo-fi: lo-fi, lofi, bedroom pop, chillhop | beat:.7 beats:.7 mellow:.6 soft:.5 piano:.4 electronic:.4 hip hop:.4
    -loud:.5
singer pop: dance pop, electropop, synth-pop hits, disco pop | @POP dance:.6 electronic:.5 synth:.5
children: kids, children, children's songs, nursery rhymes, toddler, cartoon | happy:.7 pop:.5 flute:.4 upbeat:.5
    vocal:.3 -dark:.7 -metal:.7
"""


@dataclasses.dataclass(frozen=True)
class Concept:
    """One listening idea: its name, the words people use for it and the tags it implies."""

    name: str
    aliases: tuple[str, ...]
    weights: Mapping[str, float]


_WEIGHT = re.compile(r"@(\w+)|(-?)([a-z][a-z&'\- ]*?):(\d*\.?\d+)")


def _parse_weights(spec: str, where: str) -> dict[str, float]:
    """``"tag:.5 -tag:.3 @BUNDLE"`` -> {tag: weight}; explicit tags override bundles."""
    out: dict[str, float] = {}
    explicit: dict[str, float] = {}
    # tags may contain spaces ("new age:.4"): split on the weights, not on blanks
    rest = _WEIGHT.sub(" ", spec).strip()
    if rest:
        raise ValueError(f"{where}: cannot read {rest!r} (expected 'tag:weight', '-tag:weight' or '@BUNDLE')")
    for m in _WEIGHT.finditer(spec):
        bundle, neg, tag, w = m.groups()
        if bundle:
            if bundle not in BUNDLES:
                raise ValueError(f"{where}: unknown bundle @{bundle}")
            for t, v in _parse_weights(BUNDLES[bundle], f"bundle {bundle}").items():
                if t not in out or abs(v) > abs(out[t]):  # two bundles: the stronger weight wins
                    out[t] = v
        else:
            explicit[tag.strip()] = -float(w) if neg else float(w)
    out.update(explicit)
    return out


def _logical_lines(text: str) -> list[tuple[int, str]]:
    """(first line number, line) with indented continuation lines joined; blanks and comments dropped."""
    out: list[tuple[int, str]] = []
    for lineno, raw in enumerate(text.splitlines(), 1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if raw[:1].isspace() and out:
            out[-1] = (out[-1][0], f"{out[-1][1]} {line}")
        else:
            out.append((lineno, line))
    return out


@functools.lru_cache(maxsize=1)
def concepts() -> tuple[Concept, ...]:
    """The vocabulary, parsed once."""
    return parse_concepts(_CONCEPTS)


def parse_concepts(text: str) -> tuple[Concept, ...]:
    """Concepts from the compact text format (see the module docstring); a bad line is a
    ``ValueError`` naming it."""
    out: list[Concept] = []
    seen: set[str] = set()
    for lineno, line in _logical_lines(text):
        where = f"concepts line {lineno}"
        try:
            head, spec = line.split("|", 1)
            name, aliases = head.split(":", 1)
        except ValueError:
            raise ValueError(f"{where}: expected 'name: aliases | weights', got {line!r}") from None
        name = name.strip()
        if name in seen:
            raise ValueError(f"{where}: concept {name!r} defined twice")
        seen.add(name)
        words = tuple(dict.fromkeys(a.strip().lower() for a in aliases.split(",") if a.strip()))
        weights = _parse_weights(spec, where)
        if not words or not any(w > 0 for w in weights.values()):
            raise ValueError(f"{where}: concept {name!r} needs aliases and a positive tag weight")
        out.append(Concept(name, words, weights))
    return tuple(out)


def resolve_weights(weights: Mapping[str, float], tags: Sequence[str],
                    synonyms: Mapping[str, Sequence[str]] | None = None) -> dict[str, float]:
    """The weights over ``tags`` (a model's vocabulary): a tag the model lacks goes to its first
    trained synonym (``synonyms[tag]``) unless that one has its own weight; the rest is dropped."""
    have = set(tags)
    out: dict[str, float] = {}
    for tag, w in weights.items():
        target = tag if tag in have else next((s for s in (synonyms or {}).get(tag, ()) if s in have), None)
        if target is None or (target != tag and target in weights):
            continue
        if target not in out or abs(w) > abs(out[target]):
            out[target] = w
    return out
