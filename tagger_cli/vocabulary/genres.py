"""Genres and subgenres: rock, metal, punk, electronic, hip hop, soul, jazz, blues, country, folk, classical,
world, pop and functional music."""

TEXT = """
# --- genres ------------------------------------------------------------------------------------------
rock: rock, rock music, rock band, alternative rock, indie rock, garage rock, grunge, soft rock | @ROCK
metal: metal, heavy metal, thrash, death metal, black metal, doom metal, metalcore, nu metal, hardcore | @HEAVY
punk: punk, punk rock, pop punk, hardcore punk, ramones, snarl, snarling, snarled vocals, sneer, sneering, bratty vocals
    | rock:1 punk:1 loud:.8 fast:.8 drums:.5 guitar:.5
hard rock: hard rock, glam rock, hair metal | @ROCK hard rock:.9 loud:.8 metal:.4
blues: blues, bluesy, delta blues, twelve bar | blues:1 guitar:.8 vocal:.4 slow:.3
jazz: jazz, jazzy, bebop, swing, smooth jazz, cool jazz, jazz club, swinging, swingin, swung, swing feel, swung eighths
    | jazz:1 jazzy:.7 piano:.6 sax:.5 drums:.3
funk: funk, funky, soul, motown, r&b, rnb | funk:.9 funky:.7 disco:.6 beat:.6 dance:.5 bass:.5 pop:.7 vocal:.5 drums:.4
    -electronic:.4 -synth:.3
pop: pop, pop music, top 40, top forty, chart hits, hits, radio hits, mainstream, bubblegum, teen pop, boy band, catchy,
    hooky, earworm, earworms | @POP happy:.3
ballad: ballad, power ballad, love ballad, torch song, singer songwriter, singer-songwriter | slow:.7 vocal:.7 pop:.6
    piano:.5 guitar:.4 soft:.5
country: country, country music, country and western, bluegrass, americana, honky tonk music, outlaw country |
    @COUNTRY
folk: folk, folk music, folksy, traditional music, acoustic folk, campfire | folk:1 acoustic:.8 guitar:.7 acoustic
    guitar:.5 flute:.3 fiddle:.3 country:.3
techno: techno, minimal techno, acid techno, detroit techno, hard techno, tech house | @DANCE techno:1 repetitive:.5
house: house, house music, deep house, progressive house, garage house | @DANCE house:1
trance: trance, psytrance, goa, progressive trance, uplifting trance | @DANCE trance:1 synth:.7
edm: edm, electronic dance music, dubstep, drum and bass, drum n bass, dnb, jungle music, breakbeat, big room, electro
    house | @DANCE loud:.5 fast:.5
electronic: electronic, electronica, electro, idm, synth music, computer music, digital music | @ELECTRONIC
ambient: ambient, ambient music, drone, soundscape, atmospheric, atmosphere, background music, chillout music, space
    music | ambient:1 new age:.6 synth:.5 soft:.5 slow:.5 spacey:.4 drone:.4 -drums:.5 -loud:.5 -vocal:.4
new age: new age, healing music, relaxation music, spa music, enya | new age:1 ambient:.8 soft:.6 harp:.4 flute:.4
    synth:.3 @INSTRUMENTAL
experimental: experimental, avant-garde, avant garde, noise music, musique concrete, sound art, glitch, atonal,
    dissonant, industrial, discordant, clashing, cacophonic | weird:1 strange:.7 noise:.6 electronic:.4 industrial:.4
    -pop:.5 -happy:.4
sound effects: sound effects, sfx, foley, field recording, noises, nature sounds, birdsong, bird song, animal sounds,
    water sounds, wind sounds | weird:.8 noise:.6 birds:.6 water:.6 wind:.5 ambient:.5 -vocal:.5
classical: classical, classical music, classic, chamber music, chamber ensemble, art music, etude, fugue, prelude,
    early music, serious music | @CLASSICAL strings:.5 piano:.5 harpsichord:.3 flute:.2 harp:.2
world: world music, world, ethnic, folk traditions, global | world:1 indian:.5 eastern:.5 flute:.4 percussion:.4
    tribal:.4
gospel: gospel, spirituals, praise and worship, christian music | choir:.9 vocal:.7 choral:.6 singing:.6 organ:.4
religious choral: sacred music, liturgical, motet, requiem mass, vespers, oratorio, cantata | @SACRED classical:.6
    orchestral:.3
easy listening: easy listening, elevator music, muzak, lounge music, smooth | soft:.8 mellow:.7 light:.6 piano:.5
    pop:.4 -loud:.7 -metal:.7
lo-fi: lo-fi, lofi, bedroom pop, chillhop | beat:.7 beats:.7 mellow:.6 soft:.5 piano:.4 electronic:.4 hip hop:.4
    -loud:.5 -fast:.4 -techno:.4
singer pop: dance pop, electropop, synth-pop hits, disco pop | @POP dance:.4 electronic:.3 synth:.4 vocal:.6
children: kids, children, children's songs, nursery rhymes, toddler, cartoon | happy:.7 pop:.5 flute:.4 upbeat:.5
    vocal:.3 -dark:.7 -metal:.7
# --- rock family -------------------------------------------------------------------------------------
prog rock: progressive rock, prog rock, prog, art rock, symphonic rock, krautrock, space rock | @ROCK synth:.4
    keyboard:.3 weird:.3 -pop:.2
psychedelic rock: psychedelic rock, psych rock, acid rock, stoner rock, desert rock, jam band | @ROCK weird:.4
    sitar:.2 spacey:.3
post-rock: post-rock, post rock, shoegaze, dream pop, slowcore, math rock, loud quiet loud, quiet loud quiet | rock:.7
    guitar:.7 ambient:.6 electric guitar:.5 slow:.3 spacey:.3 drums:.4
indie: indie, indie pop, indie folk, jangle pop, britpop, twee, lo-fi indie | rock:.6 pop:.7 guitar:.7 vocal:.4
    acoustic:.3
emo: emo, post-hardcore, midwest emo | @ROCK punk:.6 vocal:.4 sad:.3
post-punk: post-punk, post punk, gothic rock, goth, goth rock, darkwave, coldwave, deathrock, angular, angular guitars,
    jagged, jagged riffs | rock:.8 dark:.7 synth:.4 bass:.4 drums:.5 guitar:.4
southern rock: southern rock, blues rock, country rock, heartland rock, roots rock, boogie rock, pub rock | @ROCK
    blues:.5 country:.4
folk rock: folk rock, folk-rock, celtic rock, folk punk | rock:.7 folk:.8 acoustic guitar:.5 guitar:.7 drums:.4
surf rock: surf rock, surf music, reverb guitar, tiki | rock:.7 guitar:.9 electric guitar:.6 fast:.4 happy:.3
yacht rock: yacht rock, adult contemporary, aor, album oriented rock | soft rock:.8 pop:.7 rock:.5 soft:.4 mellow:.4
    guitar:.4
noise rock: noise rock, no wave, sludge, sludge metal, drone metal | rock:.7 noise:.8 loud:.8 weird:.5 metal:.4
    guitar:.4
# --- metal and punk --------------------------------------------------------------------------------
power metal: power metal, symphonic metal, speed metal, gothic metal, viking metal, folk metal, pagan metal | @HEAVY
    choir:.3 orchestral:.3 fast:.7
extreme metal: grindcore, deathcore, djent, blackened, brutal death metal, war metal, technical death metal | @HEAVY
    fast:.8 dark:.4
prog metal: progressive metal, prog metal, groove metal, alternative metal, industrial metal, stoner metal | @HEAVY
    industrial:.3
skate punk: ska punk, skate punk, street punk, oi, crust punk, riot grrrl, garage punk, hardcore music | rock:1 punk:1
    loud:.8 fast:.8 drums:.5 guitar:.5
# --- electronic ----------------------------------------------------------------------------------------
uk garage: uk garage, garage, 2-step, two step, speed garage, grime, bassline music | @DANCE beats:.7 hip hop:.3
hardstyle: hardstyle, hardcore techno, gabber, happy hardcore, hard dance, frenchcore, hardtek | @DANCE techno:1
    loud:.8 fast:.9
eurobeat: eurobeat, hi-nrg, hi nrg, italo disco, italo, euro disco, eurodisco, europop | @DANCE pop:.8 synth:.7
disco: disco music, nu disco, nu-disco, disco funk, boogie funk, french house, filter house, electro swing | @DANCE
    funk:.6 funky:.4 disco:.9 bass:.4 house:.5
tropical house: tropical house, moombahton, future bass, melodic house, chill house, deep tech | @DANCE house:.8
    happy:.4 pop:.4 -loud:.2
trip hop: trip hop, trip-hop, bristol sound, downbeat, chillwave, vaporwave, witch house | beat:.7 beats:.6
    electronic:.7 slow:.5 dark:.4 ambient:.4 hip hop:.3 mellow:.4 -fast:.4 -techno:.3
ebm: ebm, electronic body music, electro-industrial, aggrotech, futurepop, electroclash, minimal wave | electronic:.9
    industrial:.7 synth:.7 techno:.6 dark:.5 beat:.6 loud:.3
big beat: big beat, breaks, breakbeat hardcore, acid breaks, nu skool breaks | @DANCE beats:.8 drums:.5 loud:.4
acid house: acid house, acid, acid trance, tb 303 acid, squelchy, squelch, squelching, acid squelch, acid line, rubbery
    bass | @DANCE techno:.9 house:.6 synth:.6 weird:.3 repetitive:.4
liquid dnb: liquid dnb, liquid drum and bass, liquid funk, neurofunk, jump up, footwork, juke, halftime | @DANCE
    fast:.9 drums:.6 beats:.7 bass:.5
dub techno: dub techno, ambient techno, microhouse, deep techno, berlin school | techno:.9 electronic:.8 ambient:.6
    repetitive:.6 beat:.5 synth:.5 echo:.3
dark ambient: dark ambient, drone ambient, isolationism, ritual ambient | ambient:.9 dark:.8 drone:.7 eerie:.5
    weird:.5 slow:.5 -drums:.5 -happy:.5
space ambient: space ambient, cosmic ambient, psybient, psychill, ambient dub | ambient:.9 spacey:.8 synth:.7
    electronic:.5 slow:.4 -drums:.3
chiptune music: chip music, chiptunes, 8 bit music, 16 bit, nes music, gameboy music, bitpop | electronic:.9 synth:.9
    fast:.4 happy:.3 techno:.4 beat:.4
# --- hip hop, r&b and soul -----------------------------------------------------------------------
hip hop styles: gangsta rap, conscious hip hop, old school hip hop, east coast hip hop, west coast hip hop, g-funk,
    drill, crunk, mumble rap, cloud rap, phonk, horrorcore, underground hip hop, hip hop beats, rap beats, hi hat rolls,
    hat rolls, trap hats, head nodding, head nodder | hip hop:1 rap:.9 beats:.9 beat:.9 drums:.5 electronic:.3
jazz rap: jazz rap, jazz hop, jazzhop, abstract hip hop, instrumental hip hop, beat tape | hip hop:.8 beats:.9 beat:.9
    jazz:.5 piano:.4 mellow:.4 @INSTRUMENTAL
r&b: contemporary r&b, neo soul, neo-soul, new jack swing, quiet storm, slow jams, slow jam | pop:.6 vocal:.8 beat:.6
    singing:.6 slow:.4 soft:.4 funk:.3
classic soul: northern soul, philly soul, southern soul, memphis soul, deep soul, rhythm and blues, doowop | funk:.6
    vocal:.8 singing:.6 old:.4 horns:.3 drums:.3 pop:.4
p-funk: p-funk, funk rock, go-go, funk metal, slap funk, greasy, gritty funk | funk:1 funky:.8 bass:.6 beat:.7
    drums:.5 dance:.4
afrobeat: afrobeat, afrobeats, afropop, afro house, amapiano, highlife, juju, soukous, mbalax | world:.6 percussion:.6
    beat:.8 dance:.6 drums:.5 happy:.4 funk:.3
# --- jazz and blues ---------------------------------------------------------------------------------
free jazz: free jazz, avant-garde jazz, avant jazz, free improvisation, improv, improvisation, improvisatory,
    spontaneous, squawk, squawking, squawky | jazz:.9 weird:.6 sax:.5 drums:.4 strange:.4
jazz fusion: jazz fusion, fusion, jazz rock, jazz funk, acid jazz, nu jazz, latin jazz | jazz:.9 funk:.5 drums:.5
    electric guitar:.4 synth:.3 fast:.3 bass:.3
early jazz: dixieland, trad jazz, new orleans jazz, hot jazz, gypsy jazz, manouche, jazz manouche, hot club | jazz:1
    old:.6 fast:.5 happy:.5 trumpet:.4 guitar:.4 piano:.4 acoustic:.3 -rock:.6 -electric guitar:.5 -electronic:.4
ragtime: ragtime, rag time, scott joplin, cakewalk, boogie woogie, stride | piano:1 old:.6 fast:.5 happy:.5 jazz:.4
    -electronic:.4
bebop: hard bop, modal jazz, post-bop, cool jazz quartet, jazz standards, vocal jazz, jazz singer, jazz vocals |
    jazz:1 jazzy:.6 piano:.6 sax:.5 drums:.3 vocal:.2 -electronic:.4 -synth:.3 -dance:.3
chicago blues: chicago blues, electric blues, texas blues, jump blues, blues guitar, piedmont blues, country blues,
    bottleneck, bottleneck guitar, bottleneck slide, slide blues, blues harp, blues harmonica, harmonica wail, cigar box
    guitar | blues:1 guitar:.8 electric guitar:.5 vocal:.4 drums:.3
# --- country, folk and traditional ------------------------------------------------------------------
western swing: western swing, country swing, country pop, alt-country, alt country, bro country, countrypolitan |
    @COUNTRY pop:.4
cajun: cajun, zydeco, louisiana, bayou, swamp pop | country:.6 folk:.6 fast:.5 happy:.5 fiddle:.5 violin:.3
sea shanty: sea shanty, shanty, shanties, sea shanties, sailor songs, work song, work songs | folk:.9 vocal:.7 male:.6
    choir:.4 singing:.5 irish:.3
protest song: protest song, protest songs, topical song, anti-folk, troubadour songs | folk:.9 acoustic guitar:.6
    guitar:.7 vocal:.6 male:.3 -electric guitar:.5 -rock:.4 -drums:.3
neofolk: neofolk, dark folk, freak folk, psych folk, nordic folk, pagan folk | folk:.9 acoustic:.6 dark:.5 drone:.3
    guitar:.5 chant:.3 -rock:.5 -electric guitar:.5 -drums:.3
polka: polka, polkas, oompah music, schlager, volksmusik | happy:.7 fast:.7 folk:.5 horns:.4 old:.3 country:.2
klezmer: klezmer, jewish folk, yiddish, hora, freylekhs | clarinet:.8 fast:.5 folk:.6 violin:.5 eastern:.4 happy:.3
    world:.3
balkan: balkan, balkan brass, gypsy, romani, gypsy music, gypsy punk, manele | fast:.7 violin:.5 horns:.5 eastern:.5
    folk:.5 world:.5 happy:.3
fado: fado, portuguese, portugal, lisbon, saudade | spanish:.4 guitar:.7 acoustic guitar:.5 female vocal:.5 sad:.5
    slow:.4 vocal:.4 -rock:.6 -electric guitar:.5 -drums:.4
rebetiko: rebetiko, greek, greece, athens, sirtaki, syrtaki | foreign:.5 guitar:.6 folk:.6 world:.5 eastern:.3 fast:.3
    -rock:.6 -electric guitar:.5
# --- classical family ----------------------------------------------------------------------------------
impressionist: impressionism, impressionist, impressionistic, debussy, ravel, satie, gymnopedie, clair de lune |
    @CLASSICAL piano:.9 soft:.5 harp:.4 slow:.3 ambient:.2
minimalism: minimalism, minimalist, minimal music, philip glass, steve reich, arvo part, terry riley, phase music |
    @CLASSICAL repetitive:.9 piano:.6 strings:.5 slow:.3 ambient:.3
modern classical: contemporary classical, modern classical, neoclassical, neo-classical, post-classical, 20th century
    classical, avant-garde classical, serialism, twelve tone, prepared piano | @CLASSICAL piano:.6 strings:.6 weird:.3
    modern:.3
orchestral works: symphonies, symphonic poem, tone poem, overture, suite, orchestral suite, concertos, piano concerto,
    violin concerto | @ORCHESTRA orchestral:.9 classical:1 loud:.2
chamber: sonatas, piano sonata, violin sonata, string trio, piano quintet, wind quintet, serenade, divertimento |
    @CLASSICAL strings:.7 piano:.6 violin:.5 cello:.4 soft:.3
dances classical: polonaise, mazurka, gavotte, bourree, sarabande, gigue, pavane, galliard, allemande | @CLASSICAL
    harpsichord:.5 strings:.5 piano:.5 baroque:.4 dance:.2
musical theatre: musical theatre, musical theater, musicals, broadway, show tunes, showtunes, west end, operetta,
    theatrical | vocal:.8 singing:.7 pop:.5 orchestral:.5 strings:.4 piano:.4 happy:.3
march: march, marches, military march, military band, marching, parade, sousa, national anthem, anthems, martial,
    military | horns:.8 drums:.7 loud:.6 trumpet:.6 fast:.4 orchestral:.4 classical:.3
    strings:.3 -rock:.4 -electric guitar:.5 -synth:.3 -guitar:.5
# --- latin and caribbean ---------------------------------------------------------------------------
reggaeton: reggaeton, dembow, latin trap, latin pop, latin urban | beat:.9 dance:.8 pop:.7 spanish:.6 beats:.6
    drums:.4 vocal:.4
tropical: merengue, bachata, cumbia, vallenato, son cubano, mambo, cha cha, cha-cha, rumba, conga, zouk, kompa,
    kizomba | spanish:.7 percussion:.7 dance:.7 guitar:.5 happy:.5 fast:.4 drums:.4
    vocal:.4 -rock:.6 -electric guitar:.5 -electronic:.4 -synth:.3
mexican: mariachi, ranchera, norteno, norteño, tejano, banda, corrido, corridos, tex-mex | spanish:.8 guitar:.7
    trumpet:.6 happy:.5 vocal:.4 country:.3 fast:.3
brazilian: mpb, forro, choro, pagode, baile funk, tropicalia | spanish:.5 guitar:.7 acoustic guitar:.5 percussion:.6
    happy:.4 beat:.4 acoustic:.4 -rock:.6 -electric guitar:.5
caribbean styles: dub, roots reggae, rocksteady, lovers rock, soca, dub music, off beat, offbeat guitar, skank,
    skanking, one drop, upstrokes | reggae:1 beat:.6 bass:.5 echo:.4 guitar:.3 slow:.2
# --- world and devotional -----------------------------------------------------------------------
qawwali: qawwali, sufi, sufi music, ghazal, ghazals, nusrat | indian:.7 vocal:.7 chant:.5 male:.4 clapping:.4
    eastern:.5 middle eastern:.3
bhajan: bhajan, kirtan, devotional songs, bhakti, aarti | indian:.8 chant:.7 chanting:.5 vocal:.6 sitar:.4 drone:.3
gamelan: gamelan, indonesia, indonesian, bali, balinese, java, javanese | bells:.8 percussion:.8 eastern:.7
    oriental:.5 world:.6 repetitive:.4 drums:.3
north african: gnawa, rai, chaabi, berber, tuareg, desert blues, tinariwen, maghreb | middle eastern:.7 arabic:.6
    world:.6 guitar:.5 percussion:.5 drums:.3
african choral: mbube, isicathamiya, zulu choir, south african choir, township, kwaito, ladysmith | choir:.8 vocal:.7
    male:.5 world:.6 choral:.5 happy:.3
enka: enka, city pop, shibuya-kei, anime songs, anime opening, anison, vocaloid, c-pop, cantopop, mandopop | pop:.9
    vocal:.6 oriental:.4 synth:.4 beat:.4 happy:.3
# --- pop, functional and other ----------------------------------------------------------------------
pop styles: power pop, art pop, chamber pop, baroque pop, sophisti-pop, soft pop, sunshine pop, hyperpop, pop rock,
    pop-rock | @POP guitar:.4 rock:.3 happy:.4
exotica: exotica, space age pop, bachelor pad, tiki lounge, cocktail lounge | soft:.6 mellow:.5 percussion:.5 jazz:.5
    light:.4 weird:.3 piano:.3
comedy music: novelty song, novelty songs, parody, parody song, comedy song, funny songs | happy:.6 weird:.5 pop:.5
    vocal:.5 fast:.3
christian: ccm, contemporary christian, worship music, christian rock, hillsong, hymnal | vocal:.7 choir:.5 pop:.5
    organ:.3 singing:.6 soft:.3
binaural: binaural beats, white noise, pink noise, brown noise, sleep sounds, asmr, isochronic tones, binaural |
    ambient:.8 drone:.6 noise:.5 quiet:.5 new age:.4 -vocal:.5 -drums:.5 -loud:.5
corporate: corporate, corporate music, background for video, explainer video, presentation, advertising, commercial,
    jingle, jingles, stock music, youtube background | pop:.6 happy:.6 upbeat:.6 piano:.4 guitar:.4 beat:.4 -dark:.5
    -weird:.5
"""
