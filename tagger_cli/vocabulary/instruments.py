"""Instruments (every General MIDI program, orchestral, band and world instruments, their players) and voices."""

TEXT = """
# --- instruments -------------------------------------------------------------------------------------
violin: violin, violins, violinist, violist, fiddle playing, string ensemble, string ensembles, string ensemble 1,
    string ensemble 2, strings section, string section, string quartet, string orchestra, viola, stringy, string heavy,
    string-laden, string driven, electric violin | @ORCHESTRA violin:1 strings:1
cello: cello, cellos, cellist, double bass, contrabass, bass viol, viola da gamba, string bass | @ORCHESTRA cello:1
    strings:.9 slow:.3
orchestra: orchestra, orchestral, symphony orchestra, symphonic, philharmonic orchestra | @ORCHESTRA orchestra:.8
    orchestral:.9 loud:.2
piano: piano, pianos, pianist, grand piano, upright piano, keys, ivories, acoustic grand piano, bright acoustic piano,
    bright piano, concert grand, baby grand, piano piece, piano pieces, piano driven, piano-led, piano heavy, piano
    based, pianistic | @PIANO
keyboard: keyboard, keyboards, keyboardist, organ, organs, organist | organ:.9 piano:.5 keyboard:.6 choir:.3
    classical:.3
church organ: church organ, pipe organ, cathedral organ, organ recital, hymn organ | organ:1 choir:.8 choral:.5
    classical:.5 slow:.4 -drums:.5 -electronic:.4
harpsichord: harpsichord, harpsichords, harpsichordist, clavichord, spinet, virginal, cembalo, harpsichordy, plucked
    keyboard, clavecin | @BAROQUE harpsichord:1
harp: harp, harps, harpist, zither, celtic harp, orchestral harp, concert harp, pedal harp, irish harp | @HARP
guitar: guitar, guitars, guitarist, guitar player, six string, guitar solo, guitar driven, guitar heavy, guitar-led,
    guitar based, baritone guitar, tenor guitar, rhythm guitar | guitar:1 guitars:.4 solo:.3
acoustic guitar: acoustic guitar, classical guitar, spanish guitar, nylon string, nylon string guitar, fingerstyle,
    fingerpicking, fingerpicked, strumming, strummed, strum, unplugged, lute, steel string guitar, twelve string guitar,
    12 string guitar, dreadnought, acoustic guitar nylon, acoustic guitar steel, finger picking, finger picked,
    finger-picked, travis picking, flatpicking, flat picking, hybrid picking, steel string, steel strings, steel string
    acoustic, nylon strings, twelve string, 12 string | @ACOUSTIC_GUITAR
electric guitar: electric guitar, distortion, distorted guitar, power chords, riff, riffs, shredding, wah wah, fuzz,
    distorted, overdriven, overdrive, overdriven guitar, distortion guitar, crunch guitar, lead guitar, shred, shreddy,
    widdly, sweep picking, sweep picked, two hand tapping, finger tapping, hammer ons, pull offs, pinch harmonics, pick
    squeals, squealing guitar, wailing guitar, guitar heroics, twin guitars, twin guitar harmonies, harmonized guitars,
    air guitar | rock:1 electric guitar:.9 guitar:.8 loud:.6 metal:.4 drums:.4
banjo: banjo, banjos, banjo player, mandolin, mandolins, dobro, pedal steel, steel guitar, slide guitar, harmonica,
    mouth organ, harmonica player, jaw harp, washboard, jug band, lap steel, lap steel guitar, resonator guitar,
    resonator, clawhammer, clawhammer banjo, scruggs style, banjo rolls, bluegrass picking, mouth harp, jew's harp, jews
    harp, juice harp, tenor banjo | @COUNTRY banjo:1
fiddle: fiddle, fiddles, fiddler, fiddlers, country fiddle, bluegrass fiddle, old time fiddle | country:.9 fiddle:1
    violin:.6 strings:.4 folk:.4
flute: flute, flutes, flutist, flautist, piccolo, recorder, recorders, woodwind, woodwinds, fife, whistle, tin whistle,
    bass flute, alto flute, flutter tongue, overblown flute, breathy flute, bass recorder | @FLUTE
reeds: clarinet, clarinets, clarinetist, oboe, oboes, oboist, bassoon, bassoons, bassoonist, english horn, cor
    anglais, contrabassoon, bass clarinet, woodwind quintet | woodwind:.8 clarinet:.6 oboe:.5 classical:.6 flute:.3
    strings:.2 -electronic:.3
brass: trumpet, trumpets, trumpeter, trombone, trombones, trombonist, horns, brass, french horn, horn player, tuba,
    cornet, flugelhorn, bugle, euphonium, muted trumpet, brassy, toot, tooting, parp, blaring horns, brassy horns, bass
    trombone, baritone horn, tenor horn, hunting horn | horns:.8 trumpet:.7 horn:.6 orchestral:.4 jazz:.3 loud:.3
    classical:.3
sitar: sitar, sitars, sitarist, sitar player, tanpura, tambura, sarod, veena, shehnai, shanai, nadaswaram, bansuri,
    santoor, sarangi, meend | @INDIAN sitar:1
percussion: percussion, percussionist, drums, drum, drumming, drummer, drum kit, drum set, drum solo, timpani, kettle
    drums, bongos, congas, snare drum, tom toms, toms, melodic tom, cymbals, hi-hat, snare, snares, crash cymbal, crash
    cymbals, cymbal crashes, crashing cymbals, drum fill, drum fills, tom fills | drums:1 percussion:.8 beat:.6 beats:.4
drum machine: drum machine, 808, tr-808, 909, sequencer, drum pad, drum loop, synth drum, synth drums, electronic drums,
    simmons drums, beat machine, mpc, finger drumming, programmed drums, programmed beats, rhythm machine | techno:.9
    electronic:.9 beat:1 beats:.8 drums:.4 synth:.5
synthesizer: synthesizer, synthesizers, synth, synths, moog, polysynth, poly synth, synth pads, pads, analog synth,
    modular synth, arpeggiator, theremin, synth heavy, synth driven, synth-laden, synthetic, synthesized, synthesised |
    synth:1 synthesizer:.8 electronic:.9 ambient:.4 spacey:.4 techno:.4
bells: bells, chimes, glockenspiel, celesta, music box, singing bowls, gong, wind chimes, musical box, celeste, glock,
    mark tree, bell tree | bells:.9 chimes:.8 ambient:.7 new age:.6 soft:.4
bass: bass, bassline, sub bass, heavy bass, bass drop, wobble, bass line, bass lines, basslines, bass groove, rolling
    bassline, wobbly bass, wobble bass, wub, wubs, wub wub | electronic:.7 techno:.6 beat:.7 bass:.6 loud:.5 dance:.4
# --- General MIDI families, by program group (aliases cover the 128 program names) ----------------
electric piano: electric piano, electric pianos, electric grand, electric grand piano, electric piano 1, electric
    piano 2, rhodes, fender rhodes, wurlitzer, epiano, e-piano, dx7 piano | piano:.8 keyboard:.6 synth:.4 jazz:.4
    soft:.4 pop:.3 funk:.3 mellow:.3
honky-tonk piano: honky tonk piano, honkytonk piano, barrelhouse, ragtime piano, stride piano, boogie
    woogie piano, player piano, pianola | piano:1 old:.5 fast:.4 happy:.4 jazz:.4 -electronic:.4
clavinet: clavinet, clavi | keyboard:.6 funk:.8 funky:.5 piano:.4 beat:.4 electronic:.3
mallets: vibraphone, vibes, vibraharp, marimba, marimbas, xylophone, xylophones, balafon, mallet percussion, mallets |
    percussion:.7 bells:.5 soft:.4 jazz:.4 piano:.3 happy:.3 world:.3 -vocal:.3
tubular bells: tubular bells, church bells, carillon, bell tower, tolling bells, tinkle bell, ding dong, tolling, bong
    bong, hand bells, handbells, handbell choir, bell choir | bells:1 chimes:.6 classical:.4 organ:.3 choir:.3 slow:.3
dulcimer: dulcimer, hammered dulcimer, appalachian dulcimer, santur, cimbalom, yangqin, psaltery, autoharp | strings:.6
    folk:.6 world:.5 harp:.4 plucking:.4 acoustic:.4 medieval:.3
hammond organ: hammond, hammond organ, drawbar organ, percussive organ, rock organ, b3, leslie organ, combo organ |
    organ:1 keyboard:.6 rock:.5 blues:.4 jazz:.3 funk:.3
reed organ: reed organ, harmonium, pump organ | organ:.8 indian:.5 keyboard:.4 slow:.4 drone:.3 vocal:.3
accordion: accordionist, squeezebox, concertina, button accordion, melodeon, bandoneon, tango accordion, piano
    accordion, squeeze box | folk:.7 world:.4 acoustic:.4 spanish:.3 irish:.3 happy:.3 fast:.3
jazz guitar: jazz guitar, archtop, hollow body guitar, electric guitar jazz, gypsy guitar | guitar:1 jazz:.8 jazzy:.5
    soft:.4 electric guitar:.3 -loud:.3
clean guitar: clean guitar, clean electric guitar, electric guitar clean, muted guitar, electric guitar muted, chorus
    guitar, jangly guitar, jangle, jangly, jangling, jingle jangle, jangly guitars, chiming guitars, rickenbacker, clean
    tone | guitar:1 electric guitar:.7 rock:.4 pop:.4 soft:.2
guitar harmonics: guitar harmonics, harmonics, guitar fret noise, fret noise, string squeak | guitar:1 acoustic:.4
    soft:.4 solo:.3 ambient:.3
bass guitar: bass guitar, bassist, bass player, electric bass, electric bass finger, electric bass pick, fingered bass,
    picked bass, fretless bass, slap bass, slap bass 1, slap bass 2, popping bass, slap and pop, bass solo | bass:1
    funk:.5 rock:.5 beat:.5 drums:.4 funky:.3
upright bass: upright bass, acoustic bass, standup bass, stand-up bass, jazz bass, walking bass, walking bassline |
    jazz:.9 bass:.8 piano:.4 drums:.3 slow:.2 -electronic:.4
synth bass: synth bass, synth bass 1, synth bass 2, moog bass, acid bass, 303, tb-303, reese bass, bass synth |
    electronic:.9 synth:.8 techno:.7 bass:.7 beat:.6 dance:.4
pizzicato: pizzicato, pizzicato strings, plucked strings, staccato strings, pizz | strings:.9 violin:.6 classical:.6
    plucking:.5 happy:.3 fast:.2
tremolo strings: tremolo strings, tremolo, string tremolo, col legno | strings:1 violin:.6 orchestral:.5 classical:.5
    dark:.3 weird:.3
bowed: bowed, bowing, bowed strings, arco, legato strings, sustained strings, legato, slurred, long notes, spiccato,
    sautille, sul ponticello, sul tasto, double stops, double stopping | strings:1 violin:.7 cello:.6 classical:.5
    slow:.3
synth strings: synth strings, synth strings 1, synth strings 2, string synth, string machine, solina | strings:.7
    synth:.8 electronic:.5 ambient:.4 pop:.3
choir pad: choir aahs, voice oohs, oohs and aahs, oohs, aahs, humming, hummed, wordless vocals, vocalise, ooh, aah, ahh
    | choir:.7 voice:.7 vocal:.5 soft:.5 ambient:.4 slow:.3
synth voice: synth voice, synth choir, vocoder, talk box, talkbox, auto-tune, autotune, robot voice, robotic voice |
    electronic:.8 synth:.8 vocal:.5 voice:.4 pop:.4 dance:.3
orchestra hit: orchestra hit, orchestral stab, orchestra stab | orchestral:.6 loud:.6 electronic:.5 dance:.4 techno:.3
    strings:.3
saxophone: saxophone, saxophones, saxophonist, sax, sax solo, soprano sax, alto sax, tenor sax, baritone sax, bari sax,
    honking sax, honking, honk, squawking sax, bass sax, bass saxophone | sax:1 jazz:.8 jazzy:.4 solo:.4 piano:.3
    slow:.2
brass band: brass section, brass band, horn section, marching band, drumline, sousaphone, oompah, oom pah, oom pah pah,
    oompah band, horn stabs, brass stabs | horns:.8 trumpet:.7 loud:.6 drums:.5 fast:.3 happy:.3
synth brass: synth brass, synth brass 1, synth brass 2, brass synth, synth horns | synth:.9 electronic:.7 horns:.4
    pop:.4 loud:.3
shakuhachi: shakuhachi, dizi, xiao, bamboo flute, zen flute | flute:.9 oriental:.6 eastern:.5 slow:.5 ambient:.4
    soft:.4
ocarina: ocarina, ocarinas, blown bottle, bottle blowing, slide whistle, penny whistle | flute:.9 soft:.4 happy:.3
    folk:.3 airy:.3
whistling: whistling, whistler, whistled tune | flute:.5 happy:.5 pop:.3 soft:.3 acoustic:.3
reed pipes: ney, duduk, zurna, mizmar, kaval | flute:.7 middle eastern:.8 arabic:.5 eastern:.5 slow:.4 sad:.3
synth lead: synth lead, lead synth, square lead, square wave, sawtooth, saw lead, supersaw, chiff lead, charang,
    fifths lead, voice lead, bass and lead | synth:1 electronic:.9 techno:.5 dance:.4 fast:.3 loud:.3
calliope: calliope, steam organ, fairground organ, circus organ, barrel organ, hurdy gurdy organ, organ grinder |
    organ:.7 happy:.6 old:.5 fast:.4 weird:.4
synth pad: synth pad, warm pad, choir pad, bowed pad, metallic pad, halo pad, sweep pad, new age pad, pad synth |
    synth:.9 ambient:.9 new age:.6 spacey:.5 electronic:.5 soft:.5 slow:.4 -drums:.3
synth effects: synth effects, fx rain, fx soundtrack, fx crystal, fx atmosphere, fx brightness, fx goblins, fx echoes,
    fx sci-fi, sci-fi sounds, laser sounds, bleeps, bloops, blips, bleep, bloop, blip, beep, boop, beep boop, bleep
    bloop, bleepy, bloopy, blippy, zap, zaps, zappy, pew pew, laser, lasers | synth:.8 electronic:.8 spacey:.7
    ambient:.6 weird:.6
kalimba: kalimba, mbira, thumb piano, likembe, array mbira | world:.6 soft:.5 bells:.4 percussion:.4 happy:.3
    acoustic:.3 tribal:.3
bagpipe: bagpipe, bagpiper, piper, pipers, uilleann pipes, highland pipes, pipe band, great highland bagpipe |
    celtic:.9 irish:.6 drone:.5 folk:.4 loud:.4 flute:.3
steel drums: steel drums, steel drum, steel pan, steelpan, steel band, steel drum band | percussion:.7 reggae:.6
    happy:.6 world:.5 drums:.4 bells:.3
hand percussion: agogo, cowbell, woodblock, wood block, temple blocks, claves, tambourine, shaker, shakers, maracas,
    guiro, cabasa, timbales, triangle, hand drum, hand drums, frame drum, hand drumming, hand percussion, cow bell |
    percussion:.9 drums:.6 beat:.6 world:.4 dance:.3 fast:.3
taiko: taiko, taiko drums, taiko drum, wadaiko, japanese drums, war drums | drums:1 percussion:.9 loud:.7 tribal:.5
    oriental:.4 fast:.3
reverse cymbal: reverse cymbal, reversed sounds, backwards, reversed | weird:.7 electronic:.6 ambient:.5 spacey:.4
    synth:.4
sound fx: telephone ring, phone ringing, helicopter, applause, gunshot, gunfire, explosion, explosions, siren, sirens,
    car horn, traffic, crowd noise, breath noise, typewriter, clock ticking, tick tock, ticking clock | noise:.8
    weird:.8 loud:.3 -vocal:.3 -singing:.3
birds: bird tweet, birds chirping, chirping, tweeting, dawn chorus, songbirds, birdcalls | birds:1 ambient:.7 new
    age:.6 soft:.4 flute:.4 quiet:.3
# --- orchestral, band and world instruments ---------------------------------------------------------------
kettle drums: kettledrum, kettledrums, orchestral percussion, bass drum roll, drum roll | orchestral:.7 drums:.7
    classical:.6 loud:.4 percussion:.5 strings:.4 -rock:.5 -electric guitar:.5 -electronic:.4
    -guitar:.4
east asian instruments: erhu, pipa, guzheng, guqin, gayageum, kayagum, biwa, sheng, sanxian, chinese violin, chinese
    zither | oriental:.9 eastern:.7 strings:.4 world:.4 soft:.3 flute:.3
middle eastern instruments: saz, baglama, qanun, kanun, darbuka, doumbek, riq, daf, kamancheh, tar, setar, rebab |
    middle eastern:.9 arabic:.6 eastern:.6 strings:.4 percussion:.3 drums:.3
    sitar:.5 -rock:.4 -electric guitar:.4
bouzouki: bouzouki, bouzoukis, baglamas | foreign:.4 guitar:.6 strings:.5 folk:.5 world:.4 fast:.3
    -rock:.6 -electric guitar:.5
old lutes: theorbo, archlute, vihuela, cittern, gittern, oud player, lutenist, lute player, lutes | lute:.9
    medieval:.6 baroque:.4 guitar:.5 classical:.5 acoustic:.4
medieval instruments: hurdy gurdy, hurdy-gurdy, crwth, rebec, shawm, sackbut, crumhorn, viol, viols, recorder consort,
    nyckelharpa | medieval:1 old:.5 strings:.4 drone:.3 flute:.3 classical:.3 folk:.3
didgeridoo: didgeridoo, didjeridu, yidaki | drone:.9 tribal:.7 world:.6 ambient:.5 weird:.4 low:.4
african instruments: kora, ngoni, talking drum, udu, shekere, balafon player, mbira player, dundun, log drum, log drums,
    slit drum | world:.8 percussion:.6 tribal:.5 drums:.5 guitar:.3 harp:.3
handpan: handpan, hang drum, tongue drum, steel tongue drum, crystal bowls, crystal singing bowls | new age:.8
    ambient:.8 soft:.6 percussion:.5 bells:.4 -loud:.4
latin strings: charango, cuatro, tres, cavaquinho, requinto, guitarron | guitar:.8 spanish:.6 acoustic:.5 folk:.4
    world:.4 happy:.3 -rock:.6 -electric guitar:.5
ukulele: ukuleles, uke, ukulele player | guitar:.6 acoustic:.6 happy:.6 soft:.4 pop:.3
turntables: dj, deejay, dj set, dj mix, turntables, turntablism, turntablist, scratching, vinyl scratch, mixtape |
    dance:.7 techno:.6 electronic:.8 beat:.9 beats:.6 hip hop:.4
beatbox: beatbox, beatboxing, beatboxer, mouth percussion, vocal percussion, beat box | beat:.8 voice:.6 vocal:.5 hip
    hop:.6 rap:.3 beats:.5
piano trio: piano trio, jazz trio, trio, jazz quartet, jazz combo | jazz:.8 piano:.8 drums:.3 bass:.3 soft:.2
duet: duet, duets, duo, two voices, call and response | duet:.8 vocal:.7 singing:.6 voices:.5 female:.3 male:.3
toy instruments: toy piano, toy instruments, musical toys, glockenspiel toy, children's xylophone | piano:.6 bells:.6
    happy:.5 weird:.3 soft:.3
# --- voices ------------------------------------------------------------------------------------------
choir: choir, choirs, chorus, chorale, choral, ensemble singing, voices together, a cappella, acapella, hymn, hymns,
    psalm, gospel choir, hymn-like | @SACRED
chant: chant, chanting, gregorian, plainsong, plainchant, monks chanting, mantra, om | @SACRED chant:1 chanting:.8
    monks:.6 male:.3 slow:.5
opera: opera, operatic, powerful voice, big voice, vibrato, warbly voice, warbling, aria, arias, soprano, tenor,
    baritone, mezzo, diva, coloratura, bel canto singing, lieder, art song, bass-baritone | @OPERA
female singer: female singer, woman singing, female voice, female vocals, her voice, girl group, chanteuse | female:1
    woman:.8 female vocal:.8 female voice:.8 vocal:.6 singing:.5
male singer: male singer, man singing, male voice, male vocals, his voice, crooner, baritone voice, croon, crooning,
    crooned, crooners | male:1 man:.8 male vocal:.8 male voice:.8 vocal:.6 singing:.5
vocals: vocals, singing, singer, sung, lyrics, words, voice, voices, song with lyrics | vocal:1 vocals:.8 singing:.8
    voice:.6
instrumental: instrumental, instrumentals, no lyrics, without lyrics, wordless, no words | @INSTRUMENTAL
rap: rap, rapper, rapping, hip hop, hip-hop, trap, mc, boom bap, lo-fi hip hop, lofi beats | hip hop:1 rap:1 beats:.9
    beat:.9 electronic:.4 drums:.5
# --- more voices ----------------------------------------------------------------------------------
vocalist: vocalist, vocalists, lead singer, lead vocals, lead vocalist, sung vocals, singers, singing voice, vocal
    heavy, vocal driven, vocal-led | vocal:1 singing:.8 vocals:.8 voice:.6
frontwoman: frontwoman, female vocalist, female lead, songstress, girl singer, lady singer, women singing, soprano
    voice, alto, contralto | female:1 woman:.8 female vocal:.8 vocal:.6 singing:.5
frontman: frontman, male vocalist, male lead, men singing, deep voice, low voice, bass singer, basso, basso profundo,
    falsetto, bass voice, bass vocals | male:1 man:.8 male vocal:.8 vocal:.6 singing:.5
countertenor: countertenor, castrato, boy soprano, treble voice | opera:.6 choir:.6 classical:.6 vocal:.5 choral:.4
children's choir: children's choir, boys choir, girls choir, youth choir, choir boys singing | choir:1 choral:.8
    vocal:.4 classical:.3 soft:.3
vocal harmony: harmonies, vocal harmony, vocal harmonies, harmonizing, close harmony, barbershop, barbershop quartet,
    vocal group, backing vocals, backup vocals, backup singers, background vocals, stacked vocals, layered vocals,
    double tracked vocals, harmonized vocals | vocal:.8 singing:.7 choir:.6 voices:.6 pop:.4
soul vocals: belting, belter, soulful voice, soulful singing, vocal runs, melisma, powerhouse vocals, chest voice,
    belted, big vocals, melismatic | vocal:.9 singing:.8 pop:.5 female:.4 loud:.3
raspy voice: raspy, raspy voice, gravelly, gravelly voice, husky voice, hoarse, whiskey voice, husky, vocal fry, creaky
    voice, rough voice, gritty vocals, whiskey soaked, throaty, throaty voice | vocal:.7 male:.6 blues:.5 rock:.5
    country:.3
screaming: screaming, screams, scream, screamo, growl, growling, growls, death growl, guttural, harsh vocals, shouting,
    shouted vocals, yelling, shouty, gang vocals, gang shouts, shrieking, shriek, shrieks | metal:.9 loud:.9 heavy
    metal:.6 rock:.6 punk:.5 vocal:.3 male:.3
whisper: whisper, whispers, whispering, whispered, breathy, breathy vocals, soft voice, soft vocals, hushed vocals |
    soft:.7 quiet:.6 vocal:.6 airy:.3 slow:.3 female:.3 -opera:.5
yodel: yodel, yodeling, yodelling, yodeler | country:.6 vocal:.7 singing:.6 folk:.5 happy:.3
throat singing: throat singing, overtone singing, tuvan, khoomei, mongolian throat singing, overtones, kargyraa, sygyt,
    harmonic singing | drone:.7 chant:.6 male:.6 voice:.7 world:.6 weird:.4 low:.4
spoken word: spoken word, talking, narration, narrator, poetry, poem, poems, speech, monologue, audiobook, podcast,
    storyteller, voiceover, voice over | talking:.9 voice:.8 male:.3 -singing:.5 -vocal:.2
"""
