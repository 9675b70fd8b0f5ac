"""Activities, places, times of day, seasons, weather, holidays, life events and scenes."""

TEXT = """
# --- activities -------------------------------------------------------------------------------------
running: running, jogging, jog, run, sprint, marathon training | @ENERGY techno:.6 electronic:.5 pop:.5 dance:.4
    rock:.4
workout: workout, gym, exercise, fitness, cardio, weightlifting, training session, crossfit, athletic, treadmill,
    pumping iron, lifting weights, bench press, squats, burpees | @ENERGY
    techno:.6 rock:.5 electronic:.5 pop:.4 dance:.4
cycling: cycling, biking, spinning class, bike ride | @ENERGY techno:.6 electronic:.5 pop:.4 rock:.4
dancing: dancing, dance floor, dance party, clubbing, boogie, groove | @DANCE pop:.6
party: party, house party, celebration, get the party started, festivities, divorce party, office party, kids party,
    party for kids | pop:1 dance:.8 beat:.6 happy:.6 upbeat:.5 vocal:.4 loud:.3 techno:.3 -slow:.4
rave: rave, raver, all-nighter, warehouse rave, glow sticks | @DANCE loud:.5 repetitive:.4
studying: studying, study, homework, exam revision, learning, concentration | @CALM @INSTRUMENTAL piano:.4
    classical:.4
focus: focus, concentrate, deep work, productivity, working, office work | @INSTRUMENTAL ambient:.6 electronic:.3
    soft:.4 quiet:.4 -loud:.5 -vocal:.4 repetitive:.3
coding: coding, programming, hacking at night | ambient:.6 electronic:.6 synth:.4 techno:.3 @INSTRUMENTAL -loud:.3
reading: reading, reading a book, library, bookshop | @CALM @INSTRUMENTAL piano:.6 classical:.5 guitar:.4
    ambient:.3 new age:.2
sleep: sleep, sleeping, falling asleep, bedtime, nap, insomnia cure | @CALM @INSTRUMENTAL harp:.4 piano:.4 new age:.6
lullaby: lullaby, cradle song, baby sleeping, nursery | @CALM harp:.7 piano:.6 flute:.4 ambient:.2 new age:.2 -vocal:.2
meditation: meditation, meditate, mindfulness, breathing exercise, zen, meditative | @CALM @INSTRUMENTAL new age:.9
    ambient:.9 drone:.4 indian:.3 flute:.3 harp:.3
yoga: yoga, pilates, stretching, tai chi | @CALM new age:.8 ambient:.8 indian:.4 sitar:.3 flute:.4 harp:.3
    @INSTRUMENTAL
massage: massage, spa, wellness, sauna, aromatherapy | @CALM new age:1 ambient:.8 harp:.5 flute:.5 @INSTRUMENTAL
relaxing: relaxing, relax, relaxation, unwind, wind down, winding down, decompress, chill out, laid back,
    chill out room, cool down | @CALM new age:.5
    ambient:.7
cooking: cooking, baking, kitchen, making dinner | pop:.5 guitar:.4 acoustic:.4 happy:.4 upbeat:.3 -loud:.3 -weird:.4
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
boss fight: boss fight, battle, fight scene, combat, war | loud:.8 fast:.7 drums:.7 rock:.6 metal:.5 techno:.4 dark:.3
headbanging: headbang, headbanging, moshing, mosh pit, circle pit | @HEAVY
skating: skateboarding, skate park, skater | rock:.9 punk:.8 loud:.6 fast:.6 drums:.5 guitar:.5
surfing: surfing, surf, surfer | rock:.6 guitar:.7 pop:.4 upbeat:.4
karaoke: karaoke, sing along, singalong, sing-along | pop:1 vocal:.8 singing:.8 rock:.4 country:.3
wedding: wedding, wedding ceremony, bride, walking down the aisle, marriage | strings:.7 classical:.6 choir:.4
    organ:.4 harp:.5 piano:.5 violin:.4 soft:.3
first dance: first dance, slow dance, slow dancing | slow:.7 soft:.5 pop:.5 piano:.4 strings:.3 vocal:.4 -fast:.5
    -loud:.5
funeral: funeral, memorial, mourning, requiem, grief, grieving, funereal | @SAD choir:.6 choral:.5 strings:.6 organ:.4
    classical:.5
church: church, church service, mass, worship, prayer, praying, sunday service | @SACRED organ:.6 classical:.3
ballet: ballet, ballet class, ballerina, dance recital | classical:.9 piano:.7 strings:.6 orchestral:.4 harp:.3
    -drums:.4 -electronic:.5
horse riding: horse riding, horseback, rodeo, ranch, riding horses, clip clop, clippety clop, hoofbeats | @COUNTRY
line dance: line dance, line dancing, square dance, hoedown, barn dance | @COUNTRY fast:.5 fiddle:.6 banjo:.6
sports: sports, football match, game day, arena | rock:.8 loud:.7 drums:.6 fast:.5 pop:.4 beat:.4
motivation: motivation, motivational, pump up, hype, get pumped, resolute, determined, determination, ambitious,
    strong, driven, unstoppable, empowering, empowerment | @ENERGY rock:.5 techno:.4 pop:.4
daydreaming: daydreaming, daydream, staring out the window | ambient:.7 soft:.5 piano:.4 harp:.4 new age:.4 slow:.4
romance: romance, date night, love making, candlelight, candle light, valentine | slow:.6 soft:.6 piano:.6 strings:.6
    violin:.4 guitar:.3 harp:.3 -loud:.6 -fast:.4 -metal:.5 -weird:.4
dinner: dinner, dinner party, restaurant, dining, fine dining, supper | piano:.7 soft:.6 classical:.5 strings:.5
    guitar:.4 quiet:.4 -loud:.6 -metal:.5 -techno:.4
gardening: gardening, garden, planting | acoustic:.5 guitar:.5 flute:.4 soft:.4 happy:.3
painting: painting, drawing, art studio, creative work | ambient:.5 piano:.5 soft:.4 classical:.3 guitar:.3
storytelling: storytelling, fairy tale, once upon a time, fantasy, narrative, fantasy-like, tale, legend, legends,
    folklore | harp:.6 flute:.6 strings:.5 classical:.4 medieval:.3
haunted house: haunted house, ghost, ghosts, haunted, seance | @SPOOKY
sci-fi: sci-fi, science fiction, space movie, robots, androids, cyberpunk | electronic:.8 synth:.8 spacey:.6 weird:.5
    ambient:.5 techno:.4
film score: film score, movie soundtrack, soundtrack, cinematic, trailer music | @ORCHESTRA ambient:.3 loud:.3
protest: protest, rebellion, rebel, riot, anarchy | rock:.9 punk:.8 loud:.8 fast:.5 -soft:.5
# --- more activities ---------------------------------------------------------------------------------
swimming: swimming, swim, pool party, water aerobics, diving, snorkeling, scuba | pop:.6 happy:.5 upbeat:.4
    electronic:.4 ambient:.3 beat:.3
winter sports: skiing, ski, snowboarding, snowboard, sledding, apres ski, ice skating, figure skating, roller skating,
    roller disco | pop:.6 dance:.5 upbeat:.5 electronic:.4 fast:.4 happy:.4
climbing: climbing, rock climbing, bouldering, mountaineering, parkour | rock:.6 electronic:.5 fast:.5 drums:.5
    beat:.4 loud:.3
fighting: boxing, martial arts, kung fu, karate, mma, kickboxing, wrestling, sword fight, sword fighting | @ENERGY
    drums:.7 rock:.5 techno:.4 loud:.6
racing: racing, race, car chase, chase scene, chase, formula 1, street racing, drag race, motorcycle, biker, bikers |
    @ENERGY techno:.6 rock:.6 electronic:.5 loud:.6
team sports: soccer, basketball, baseball, hockey, tennis, golf, volleyball, cheerleading, pep rally, halftime show |
    rock:.6 pop:.6 loud:.5 drums:.6 beat:.5 fast:.4
aerobics: aerobics, zumba, dance workout, step class, spin class, hiit | @ENERGY @DANCE pop:.5
camping: camping, campsite, camp, tent, bonfire, around the fire, s'mores | acoustic:.8 guitar:.8 folk:.7 acoustic
    guitar:.5 soft:.3 vocal:.3 -electric guitar:.6 -rock:.5 -drums:.3 -electronic:.4
fishing: fishing, boating, rowing, canoeing, kayaking, lake house | acoustic:.6 guitar:.6 country:.5 soft:.5 folk:.4
    slow:.3
sailing: sailing, sailboat, yacht, cruise, cruise ship, on deck | pop:.5 guitar:.5 acoustic:.4 happy:.4 soft:.4
    ambient:.3
picnic: picnic, barbecue, bbq, cookout, grill, backyard party, garden party, block party | pop:.7 happy:.7 upbeat:.5
    guitar:.4 acoustic:.4 country:.3 reggae:.3
cocktail party: cocktail party, cocktail hour, cocktails, happy hour, wine tasting, wine bar, martini, aperitivo |
    jazz:.7 piano:.7 soft:.5 mellow:.4 sax:.3 -loud:.5 -metal:.5
tea party: tea party, afternoon tea, high tea, garden tea, tea time, teatime | classical:.7 strings:.6 piano:.6
    harpsichord:.3 soft:.5 light:.4 -loud:.6
casino: casino, las vegas, vegas, poker, blackjack, slot machines, high roller | jazz:.6 pop:.5 piano:.5 beat:.4
    horns:.3 electronic:.3
travel: travel, travelling, traveling, airport, flight, flying, airplane, plane ride, jet lag, train journey,
    backpacking | pop:.5 ambient:.5 acoustic:.4 electronic:.4 guitar:.4 soft:.3
writing: writing, journaling, writing a novel, poetry writing, brainstorming, thinking | @CALM @INSTRUMENTAL piano:.6
    ambient:.4
crafting: crafting, knitting, sewing, crochet, pottery, woodworking, puzzles, jigsaw | acoustic:.6 soft:.6 piano:.5
    guitar:.5 folk:.3 happy:.3 -loud:.5
bath: bath, bubble bath, bathtub, hot tub, shower, shower singing, self care, self-care, pamper | @CALM piano:.4 new
    age:.5 soft:.6
getting ready: getting ready, pregame, pre-game, pre party, pre-party, getting dressed, makeup, hype up | @DANCE
    pop:.9 happy:.4 vocal:.4
after party: after party, afterparty, after hours, come down, comedown, chill after the club, after the club |
    ambient:.8 electronic:.5 slow:.5 soft:.5 mellow:.4 beat:.3
hangover: hangover, hungover, recovery, morning after, sunday recovery | soft:.7 slow:.6 quiet:.6 acoustic:.5
    ambient:.4 -loud:.7 -fast:.5
stargazing: stargazing, star gazing, watching the stars, night sky, northern lights, aurora, meteor shower |
    ambient:.9 spacey:.7 synth:.5 soft:.5 new age:.5 slow:.4 -loud:.5
board games: board games, game night, card games, trivia night, quiz night | pop:.5 happy:.5 jazz:.3 piano:.3
    upbeat:.3 -loud:.3
walking the dog: walking the dog, dog walk, dog walking, puppy, puppies, pets, kittens, cats | happy:.6 acoustic:.5
    guitar:.4 pop:.4 upbeat:.4 light:.3 -rock:.3
praying: rosary, devotion, vigil, candle vigil, night prayer, evensong, compline, vespers service | @SACRED slow:.5
    organ:.4 quiet:.3
# --- life events --------------------------------------------------------------------------------------
graduation: graduation, commencement, graduating, prom, senior year, yearbook, class of | pop:.8 happy:.6 upbeat:.5
    orchestral:.3 vocal:.4 strings:.3
anniversary: anniversary, proposal, engagement, marriage proposal, honeymoon, vow renewal, first date | slow:.6
    soft:.6 piano:.6 strings:.6 violin:.4 vocal:.3 -loud:.5
new baby: baby shower, newborn, new baby, baptism, christening, gender reveal | soft:.7 happy:.5 piano:.5 bells:.4
    harp:.4 quiet:.4 -loud:.6 -dark:.6
farewell: farewell, goodbye, saying goodbye, leaving home, moving away, retirement, last day, parting | slow:.6
    piano:.6 strings:.5 sad:.4 acoustic:.4 soft:.5 vocal:.3
reunion: reunion, homecoming, coming home, family gathering, family reunion, thanksgiving dinner | happy:.6
    acoustic:.5 guitar:.5 pop:.5 country:.3 soft:.3
coming of age: coming of age, growing up, teenage, teenager, teen, high school, first love, summer love | pop:.8
    rock:.5 guitar:.5 vocal:.5 happy:.3
bachelor party: bachelor party, bachelorette, stag party, hen party, hen night, girls night, girls night out | @DANCE
    pop:.9 loud:.4 happy:.4
rite of passage: bar mitzvah, bat mitzvah, quinceanera, quinceañera, sweet sixteen, sweet 16, debutante ball | pop:.7
    dance:.6 happy:.5 beat:.4 strings:.3
# --- places ------------------------------------------------------------------------------------------
beach: beach, seaside, tropical, island, palm trees, sunbathing, poolside | pop:.6 guitar:.6 acoustic:.5 happy:.4
    upbeat:.4 reggae:.3 ambient:.3 -dark:.4 -metal:.5
ocean: ocean, waves, underwater, tide, seashore | ambient:.9 new age:.6 water:.6 soft:.5 harp:.3 slow:.4 -loud:.5
nightclub: nightclub, club, disco, discotheque, dance club | @DANCE
bar: bar, pub, tavern, jukebox, dive bar, juke box | rock:.6 country:.6 guitar:.6 vocal:.4 blues:.3
honky tonk: honky tonk, honky-tonk, roadhouse | @COUNTRY rock:.3
cathedral: cathedral, basilica, chapel, abbey, gothic church | @SACRED organ:.7 choral:1
monastery: monastery, monk, monks, convent, nuns, cloister, monastic | @SACRED chant:.8 chanting:.6 male:.3 monks:.6
    slow:.4
temple: temple, shrine, ashram, pagoda | indian:.7 sitar:.5 ambient:.5 new age:.4 chant:.4 eastern:.4 drone:.3
concert hall: concert hall, symphony hall, philharmonic, recital | @ORCHESTRA piano:.5 classical:1 opera:.3
opera house: opera house, la scala, the met | @OPERA
palace: palace, royal court, court, castle, ballroom, aristocrat, king, queen, chateau, gala, black tie, black tie
    gala, masked ball, masquerade, masquerade ball, ball gown, powdered wigs, powdered wig, period ballroom, royal
    banquet, state dinner | @BAROQUE strings:.6
    classical:.8
stadium: stadium, arena concert, festival main stage, big crowd, anthemic, arena-sized, fist-pumping | rock:.9 loud:.8
    pop:.6 drums:.6 guitar:.5
warehouse: warehouse, underground, basement party, bunker | @DANCE loud:.5 dark:.4 industrial:.4
cafe: cafe, coffee shop, coffeehouse, bistro, brunch | acoustic:.6 guitar:.6 piano:.6 soft:.5 jazz:.4 -loud:.6
    -metal:.5 -techno:.4
forest: forest, woods, woodland, trees, nature, meadow | ambient:.4 flute:.7 acoustic:.4 new age:.3 birds:.4 soft:.4
    harp:.3 guitar:.2
mountains: mountains, mountain, alps, cabin, log cabin, countryside | acoustic:.6 guitar:.6 folk:.6 flute:.5
    country:.4 soft:.3
desert: desert, sahara, dunes, arid, dry land | middle eastern:.6 eastern:.5 arabic:.5 guitar:.4 ambient:.4
    sitar:.3 -rock:.5 -electric guitar:.4 -drums:.3
farm: farm, barn, village, rural, small town | @COUNTRY folk:.5
city: city, urban, downtown, street, metropolis | electronic:.5 beat:.6 beats:.5 pop:.5 hip hop:.4 techno:.3
space: space, outer space, galaxy, cosmos, stars, planets, alien, aliens, spaceship, space station, spacey, spacy,
    spaced out | spacey:.9 space:.8 ambient:.8 synth:.7 electronic:.6 weird:.5
jungle: jungle, rainforest, wilderness, safari | tribal:.5 percussion:.5 ambient:.5 birds:.4 flute:.4 drums:.3
    world:.3
mall: mall, shopping, supermarket, store, shop, waiting room, elevator | pop:.7 soft:.4 light:.4 -metal:.6 -weird:.5
cabaret: cabaret, vaudeville, music hall, parlour, parlor, salon | piano:.8 vocal:.4 classical:.3 old:.4
# --- more places ---------------------------------------------------------------------------------------
lake river: lake, lakeside, river, riverside, stream, brook, creek, pond, waterfall, waterfalls | water:.7 ambient:.7
    soft:.5 acoustic:.4 new age:.5 flute:.3 -loud:.5
cave: cave, caves, cavern, caverns, grotto, catacombs, crypt, tomb | ambient:.7 dark:.6 drone:.5 eerie:.5 echo:.5
    weird:.4 slow:.3
dungeon: dungeon, dungeons, dungeon crawl, dragon, dragons, wizard, wizards, elves, elf, sorcerer, sword and sorcery,
    epic fantasy, high fantasy, middle earth | orchestral:.7 strings:.6 choir:.4 flute:.4 medieval:.4 dark:.3 drums:.3
    classical:.4
pirates: pirate, pirates, pirate ship, buccaneer, treasure, high seas, shipwreck, captain, sea battle,
    naval battle | fiddle:.5 violin:.4
    folk:.6 fast:.5 orchestral:.5 strings:.5 drums:.3 happy:.3
harbor: harbor, harbour, port, docks, lighthouse, marina, pier, boardwalk | acoustic:.5 guitar:.5 soft:.4 folk:.4
    ambient:.4 water:.3
hotel lobby: hotel lobby, lobby, hotel, lounge bar, piano bar, rooftop bar, sky bar | piano:.7 jazz:.6 soft:.6
    mellow:.5 light:.4 -loud:.6 -metal:.6
school: school, classroom, campus, university, college, lecture, dorm, dorm room | pop:.5 piano:.4 acoustic:.4
    happy:.3 guitar:.3 beat:.3
museum: museum, gallery, art gallery, exhibition, art museum | classical:.7 piano:.6 ambient:.5 strings:.5 quiet:.5
    soft:.4 -loud:.6
theater: theater, theatre, stage, cinema, movie theater, drama school | orchestral:.6 strings:.6 piano:.5 vocal:.4
    classical:.4
amusement park: amusement park, theme park, carnival, fairground, funfair, fair, carousel, merry-go-round, circus, big
    top, roller coaster | happy:.8 fast:.5 organ:.4 pop:.5 upbeat:.5 weird:.3
playground: playground, park, swings, recess, kindergarten, preschool | happy:.8 pop:.5 upbeat:.5 bells:.3 flute:.3
    -dark:.6
home: home, living room, bedroom, backyard, front porch, porch, balcony, rooftop, attic | acoustic:.6 soft:.5
    guitar:.5 piano:.4 mellow:.4 -loud:.3
diner: diner, truck stop, gas station, motel, route 66 diner, roadside | country:.7 rock:.6 guitar:.6 old:.4 vocal:.4
swamp: swamp, marsh, wetlands, everglades | blues:.5 guitar:.5 slow:.4 dark:.4 ambient:.4 country:.3
canyon: canyon, grand canyon, badlands, mesa, plains, great plains, big sky | guitar:.7 country:.5 ambient:.5
    acoustic:.4 slow:.3 flute:.3
volcano: volcano, lava, magma, inferno | loud:.7 drums:.7 dark:.6 metal:.4 orchestral:.4 tribal:.3
savanna: grasslands, serengeti, lion king, wildlife | world:.7 percussion:.6 tribal:.5 drums:.5 choir:.4 ambient:.3
    -rock:.5 -electric guitar:.5
hospital: hospital, waiting area, clinic, dentist, therapy, therapist | soft:.7 quiet:.6 ambient:.6 piano:.5 calm:.4
    -loud:.7 -metal:.6
recording studio: recording studio, studio session, jam session, rehearsal, band practice, garage band, open mic |
    rock:.6 guitar:.7 drums:.6 acoustic:.3 vocal:.3
dance hall: dance hall, dancehall party, juke joint party, ballroom dancing, ballroom dance, tea dance | dance:.6
    jazz:.5 strings:.4 piano:.4 happy:.4 old:.3 -electronic:.4 -synth:.3 -techno:.3
underwater: underwater world, deep sea, ocean floor, coral reef, aquarium, submarine | ambient:.9 water:.7 new age:.5
    spacey:.4 slow:.4 synth:.4 -loud:.5
# --- times, seasons, holidays ------------------------------------------------------------------------
morning: morning, sunrise, dawn, breakfast, waking up, wake up, early | soft:.5 acoustic:.5 guitar:.5 piano:.5
    flute:.4 happy:.4 light:.4 -loud:.4 -dark:.5 -metal:.5
coffee: coffee, tea, lazy sunday, sunday morning, slow morning | acoustic:.6 guitar:.5 piano:.6 soft:.6 mellow:.4
    flute:.3 -loud:.6 -techno:.5 -metal:.6
afternoon: afternoon, lunch, siesta | soft:.4 acoustic:.4 pop:.4 guitar:.4 happy:.3
evening: evening, dusk, twilight, sunset, golden hour | soft:.6 slow:.5 ambient:.5 guitar:.4 piano:.4 mellow:.4
    -fast:.3
night: night, nighttime, late night, after dark, midnight, moonlight, 3am, small hours, nocturnal, nocturne mood |
    ambient:.6 slow:.5 soft:.5 piano:.5 dark:.4 electronic:.3 quiet:.4
friday night: friday night, saturday night, weekend, night out, going out | @DANCE pop:.8 rock:.4 loud:.4
spring: spring, springtime, blossom, flowers, springlike, spring-like, vernal | flute:.6 harp:.4 happy:.5 light:.5
    soft:.4 classical:.3 acoustic:.3
summer: summer, summertime, heatwave, sunny, sunshine, vacation, holiday trip, summery, summer vibes | pop:.7 happy:.6
    upbeat:.6 guitar:.4 acoustic:.3 -dark:.5 -sad:.4
autumn: autumn, fall, rainy day, rain, rainy, cloudy, grey day, autumnal, fall vibes, falling leaves,
    leaves falling | slow:.6 soft:.6 piano:.6
    sad:.4 acoustic:.4 guitar:.4 strings:.4 ambient:.3 -happy:.3 -fast:.3
winter: winter, snow, snowy, snowfall, first snow, winter solstice, winter night, cold, frost, fireplace, fire place, by
    the fire, sitting by the fire, cozy, cosy, hygge, wintry, wintery, wintertime, crackling fire, crackling fireplace |
    soft:.6 slow:.5 piano:.6 acoustic:.4 strings:.4 classical:.3 quiet:.4 -loud:.4
christmas: christmas, xmas, christmas carols, carols, carol, nativity, advent, noel, yuletide, santa, sleigh bells,
    jingle bells, fa la la | choir:1 choral:.9 vocal:.4 bells:.5 organ:.4 classical:.3 -metal:.5 -techno:.4
easter: easter, good friday, lent, pentecost | @SACRED classical:.4
halloween: halloween, spooky season, trick or treat, horror, horror movie, zombie, vampire, witches | @SPOOKY
new year: new year, new year's eve, countdown, fireworks | @DANCE pop:.8 happy:.4
birthday: birthday, birthday party, birthday girl, birthday boy | pop:.9 happy:.8 upbeat:.7 dance:.4 fast:.3
diwali: diwali, holi, bollywood, bhangra | @INDIAN pop:.3 dance:.3 fast:.3
# --- more times of day, weather and holidays ------------------------------------------------------------
noon: noon, midday, high noon, lunchtime, lunch break, late afternoon | pop:.5 acoustic:.4 happy:.4 guitar:.4
    upbeat:.3
witching hour: witching hour, 4am, 2am, 3 am, dead of night, graveyard shift, night shift, insomnia, sleepless |
    ambient:.7 dark:.5 slow:.5 quiet:.5 electronic:.4 piano:.4 drone:.3
storm: storm, stormy, thunderstorm, thunder, lightning, tempest, hurricane, tornado, typhoon, monsoon | loud:.6
    dark:.5 drums:.5 orchestral:.4 strings:.4 ambient:.3 noise:.3
windy: windy, wind, gale, gusty, breeze, blustery, whistling wind | wind:.8 airy:.6 ambient:.6 flute:.5 soft:.3
drizzle: drizzle, drizzly, light rain, rainstorm, rain on the window, rainfall, showers, overcast, gloomy weather,
    pitter patter | slow:.6 soft:.6 piano:.6 ambient:.5 sad:.3 water:.3 acoustic:.3 -happy:.3
hot weather: hot, heat, humid, sweltering, scorching, dry heat, tropical heat, sizzling | pop:.6 reggae:.4
    percussion:.4 spanish:.3 beat:.4 guitar:.4 happy:.3
rainbow: rainbow, rainbows, clear sky, blue sky, blue skies, fair weather, after the rain | happy:.7 pop:.5 soft:.4
    acoustic:.4 light:.4 upbeat:.3
harvest: harvest, harvest festival, fall foliage, pumpkin, pumpkin patch, apple picking, cider |
    acoustic:.7 folk:.6 guitar:.6 country:.4 fiddle:.4 soft:.3
thanksgiving: thanksgiving, friendsgiving, turkey dinner, gratitude dinner | acoustic:.6 folk:.5 guitar:.5 piano:.5
    happy:.4 country:.3 soft:.3
hanukkah: hanukkah, chanukah, passover, seder, rosh hashanah, jewish holiday | clarinet:.5 violin:.5 folk:.6 choir:.4
    happy:.3 world:.3
ramadan: ramadan, eid, eid al-fitr, iftar, islamic, muslim, nasheed, adhan, call to prayer | arabic:.8 middle
    eastern:.8 chant:.6 vocal:.6 male:.4 -drums:.3 eastern:.4
    choir:.3 -opera:.5
lunar new year: chinese new year, lunar new year, spring festival, lantern festival, dragon dance, lion dance |
    oriental:.8 drums:.7 percussion:.6 eastern:.6 happy:.4 loud:.4 bells:.3
    flute:.4 -rock:.5 -electric guitar:.5 -synth:.3 -guitar:.5
st patrick's day: st patrick's day, st. patrick's day, saint patrick's day, paddy's day, shamrock, leprechaun |
    celtic:1 irish:1 fiddle:.7 flute:.5 fast:.5 happy:.5 folk:.5
independence day: independence day, fourth of july, 4th of july, july 4th, memorial day, labor day, veterans day,
    patriotic, patriotism | rock:.6 country:.6 horns:.5 drums:.5 loud:.4 orchestral:.3 pop:.4
remembrance: remembrance day, remembrance, armistice, anzac day, last post, taps, moment of silence | slow:.8 horns:.5
    trumpet:.5 sad:.5 strings:.4 quiet:.4 organ:.3
carnival: carnaval, rio carnival, carnival parade, samba parade, notting hill carnival, festival parade |
    percussion:.8 drums:.8 dance:.7 happy:.6 fast:.6 spanish:.4 loud:.4
day of the dead: day of the dead, dia de los muertos, día de los muertos, cinco de mayo, fiesta, fiestas | spanish:.8
    guitar:.7 trumpet:.5 happy:.5 acoustic guitar:.4 vocal:.3 -rock:.6 -electric guitar:.5
midsummer: midsummer, solstice, summer solstice, equinox, maypole, beltane, pagan festival | folk:.7
    flute:.5 acoustic:.5 happy:.4 drums:.3 celtic:.3
parents' day: mother's day, mothers day, father's day, fathers day, grandparents day | soft:.6 acoustic:.5 piano:.5
    happy:.4 strings:.4 vocal:.4 -loud:.5
festival season: festival, music festival, summer festival, coachella, glastonbury, tomorrowland, lollapalooza,
    burning man | @DANCE rock:.5 pop:.6 loud:.5
kwanzaa: kwanzaa, juneteenth, black history month | world:.5 percussion:.6 drums:.5 vocal:.5 choir:.4 funk:.3 happy:.3
    -rock:.5 -electric guitar:.5
# --- scenes from films, games and stories -------------------------------------------------------------
action scene: action movie, action scene, action sequence, explosions scene, blockbuster, superhero, superheroes,
    avengers | @ENERGY orchestral:.6 drums:.7 loud:.8 rock:.4 techno:.3
spy: spy, spies, secret agent, espionage, james bond, 007, heist, caper, undercover | jazz:.5 bass:.5 drums:.5
    strings:.5 horns:.4 electric guitar:.3 dark:.3 fast:.3
detective: detective, private eye, film noir, crime scene, investigation, murder mystery, whodunit | jazz:.7 dark:.6
    piano:.5 sax:.5 slow:.5 strings:.3
samurai: samurai movie, ninja stealth, shogun, wuxia, martial arts movie | oriental:.8 drums:.6 flute:.5 eastern:.5
    strings:.4 loud:.3 -rock:.4 -guitar:.4
vikings: barbarian, barbarians, warriors, warrior, norsemen, valhalla, gladiator, gladiators, spartans | drums:.8
    loud:.7 tribal:.5 choir:.5 orchestral:.5 dark:.4 chant:.3
victory scene: level complete, victory screen, credits, end credits, opening credits, title screen, main menu, menu
    music, loading screen | orchestral:.5 synth:.5 electronic:.4 happy:.5 strings:.4 pop:.3
video game genres: rpg, jrpg, open world, platformer, puzzle game, racing game, fighting game, shooter, mmorpg,
    overworld, pixel art, retro game | electronic:.7 synth:.7 orchestral:.4 fast:.4 happy:.3 techno:.3
training montage: montage, training montage, sports montage, comeback, underdog, rocky | @ENERGY rock:.6 pop:.5
    horns:.3 drums:.6
sad scene: sad scene, death scene, tragic ending, sad ending, tearjerker scene, emotional scene | @SAD strings:.8
    violin:.5 cello:.5 piano:.6 orchestral:.4
love scene: love scene, kiss, kissing, romantic comedy, rom com, romcom, happy ending | soft:.6 strings:.6 piano:.6
    pop:.4 slow:.4 happy:.3 -loud:.5
dream sequence: dream sequence, flashback, hallucination, fever dream, memory sequence, slow motion scene | ambient:.8
    weird:.5 spacey:.5 soft:.5 harp:.4 synth:.4 slow:.4 echo:.3
alien invasion: alien invasion, ufo, ufos, flying saucer, extraterrestrial, close encounters, area 51, x-files |
    synth:.4 spacey:.8 weird:.8 electronic:.3 eerie:.5 dark:.3
time travel: time travel, time machine, parallel universe, multiverse, wormhole, black hole | synth:.7 spacey:.7
    electronic:.6 ambient:.6 weird:.5 strings:.3
documentary: documentary, nature documentary, wildlife documentary, national geographic, history channel, news,
    newsreel | orchestral:.6 strings:.6 piano:.5 ambient:.5 soft:.3 classical:.4
anime: anime, manga, studio ghibli, ghibli, shonen, magical girl | pop:.6 orchestral:.4 piano:.5 strings:.4 synth:.4
    happy:.4 oriental:.3
courtroom: courtroom, legal drama, political thriller, conspiracy, interrogation | strings:.6 dark:.5 piano:.4
    ambient:.4 slow:.4 drone:.3 -happy:.4
"""
