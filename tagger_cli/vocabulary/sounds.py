"""Sound words: how people describe what they hear. Tone colour, texture and production, articulation and
playing technique, voice qualities, rhythm feel, onomatopoeia, and instrument phrases whose words mislead
one by one ("double bass drum" is no double bass, "blues harp" no harp).

Each word goes to the tags of the music in which such a sound is usual (a "twangy" sound is a country
guitar's, "chugging" is palm-muted metal guitar), written from general music knowledge.
"""

TEXT = """
# --- tone colour (timbre) --------------------------------------------------------------------------
twinkly: twinkly, twinkling, twinkle, sparkly, sparkling, sparkle, glittering, glittery, glistening, tinkling, tinkly,
    tinkle, chiming, chimey, chime-like, crystalline, glassy, bell-like, starry, ding, dings, ting, clink, clinking,
    jingly, jingling, silvery, silvery tone | bells:.8 chimes:.6 harp:.5 piano:.4 soft:.4 ambient:.4 new age:.3
plinky: plinky, plink, plinks, plinking, plinky plonky, plinky plonk, plink plonk, plonk, plonky, plonking, plunk,
    plunky, plunking | piano:.7 bells:.5 plucking:.5 harp:.4 harpsichord:.3 light:.4 happy:.3 soft:.3
booming: booming, boomy, boom, booms, boom boom, thunderous, pounding, thumping, thump, thumps, thumpy, thud, thuds,
    thuddy, thunk, rumbling, rumble, rumbly, earth-shaking, subwoofer, bass heavy, bassy, deep bass, bass boosted,
    low end, big bass, subby, chest-rattling, window-rattling | bass:.8 loud:.8 beat:.7 drums:.6 electronic:.5
    techno:.4 deep:.4
twangy: twang, twangy, twanging, twangs, twangy guitar, twangy vocals, country twang, chicken picking, chicken
    pickin, telecaster twang, southern drawl, drawl | country:.9 guitar:.9 banjo:.4 acoustic guitar:.3 electric
    guitar:.3 vocal:.2 -electronic:.3
buzzy: buzzy, buzz, buzzing, buzzsaw, buzzsaw guitar, fizzy, fizz, fizzing, rasping synth | synth:.6 electronic:.5
    electric guitar:.4 guitar:.4 noise:.4 sitar:.3 drone:.3 punk:.2
bright tone: bright tone, bright sound, brilliant tone, treble, trebly, treble heavy, zingy | light:.5 piano:.4
    harpsichord:.4 guitar:.4 bells:.4 acoustic guitar:.3 pop:.3 happy:.2 -dark:.4 -deep:.3 -low:.3
dark tone: dark tone, dark sound, dark timbre, deep tone, deep sound, low tones | low:.7 deep:.6 dark:.6 cello:.5
    bass:.4 organ:.3 slow:.3 -light:.3
thin: thin, thin sound, thin sounding, tinny, weedy, small sounding, transistor radio, am radio | light:.7 old:.4
    solo:.4 soft:.3 quiet:.2 -bass:.5 -heavy:.4 -deep:.4
hollow: hollow, hollow sound, hollow sounding, hollow tone, boxy, pipe-like | flute:.6 airy:.4 woodwind:.4 organ:.3
    percussion:.3 ambient:.3 weird:.2 -bass:.2
nasal: nasal, nasally, nasal voice, nasal vocals, nasal tone, pinched tone, whiny, whiny vocals | oboe:.6 vocal:.5
    woodwind:.4 country:.4 sitar:.3 folk:.3 punk:.3
reedy: reedy, reed, reed sound, reedy tone, woodwindy, double reed, oboe-like, clarinet-like | woodwind:.8
    clarinet:.6 oboe:.6 flute:.4 classical:.4 sax:.3 -electronic:.3
fat: fat, phat, fat sound, fat bass, fat synths, beefy, meaty, chunky | bass:.7 beat:.5 loud:.5 synth:.4
    electronic:.4 heavy:.4 guitar:.3 rock:.3 hip hop:.3
crunchy: crunchy, crunch, fuzzy, fuzzed out, fuzz guitar, fuzz pedal, fuzzbox, big muff, tube amp, cranked amp, gritty,
    grungy, dirty, grimy, sludgy, raw guitar, saturated, fuzz box | electric guitar:.8 guitar:.7 rock:.7 loud:.5
    noise:.3 metal:.3
shimmering: shimmering, shimmer, shimmery, shimmer reverb, glimmering, iridescent, luminous, radiant, glowing, lush
    reverb, volume swells, ebow, e-bow | ambient:.8 synth:.6 airy:.4 spacey:.4 strings:.4 bells:.4 soft:.4
lush: lush, rich, sweeping, layered, wall of sound, big sound, orchestrated, dense, thick, sumptuous, full-bodied,
    full sound, rich sound | strings:.8 orchestral:.6 classical:.4 ambient:.4 synth:.3 loud:.3
airy: airy, breezy, light as air, floaty, weightless, wispy, feathery, gossamer | airy:.8 flute:.6 ambient:.6 soft:.6
    light:.4 new age:.4 harp:.3
warm: warm, warmth, warm sound, warm tone, mellow tone, round tone, rounded, creamy, buttery, analog, analogue, analog
    warmth, tube warmth, tape warmth, woody, wooden, golden tone | soft:.6 mellow:.6 acoustic:.4 guitar:.4 piano:.4
    strings:.3 cello:.3 slow:.3
icy: icy, glacial, frozen, frosty, arctic, polar, tundra, ice, cold sound, clinical, sterile | ambient:.7 synth:.6
    electronic:.5 spacey:.4 quiet:.3 bells:.3 -happy:.2
metallic: metallic, clangy, clanging, clang, clanking, clank, clatter, clattering, clunk, clunky, clanky, whirr,
    whir, whirring, mechanical, machine, machines, machinery, factory, steel, iron, anvil, anvils, pots and pans,
    scrap metal | industrial:.8 electronic:.6 noise:.6 techno:.5 weird:.5 loud:.3
wobbly: wobbly, wobbling, wavy, woozy, seasick, detuned, out of tune, off key, wonky, warped, warble, warbly, pitch
    warble | weird:.8 strange:.5 synth:.5 electronic:.4 spacey:.3 old:.2
strident: strident, sharp tone, sharp sound, cutting tone, biting tone | loud:.6 electric guitar:.5 guitar:.4 rock:.4
    horns:.4 trumpet:.4 violin:.3 -soft:.3
soaring: soaring, soaring vocals, soaring voice, soaring strings, soaring melody, soaring melodies | strings:.6
    vocal:.5 orchestral:.5 violin:.4 singing:.4 opera:.3 loud:.3 -quiet:.3
ringing: ringing, ringing notes, resonant, resonating, reverberating, sonorous, let ring | bells:.6 ambient:.5
    chimes:.4 echo:.3 guitar:.3 piano:.3 organ:.3 soft:.2
# --- texture and production -----------------------------------------------------------------------
sparse: sparse, minimal sound, stripped down, stripped back, bare, barebones, bare bones, skeletal, sparse arrangement,
    simple, spacious, understated, minimal | quiet:.6 soft:.6 solo:.6 slow:.5 piano:.4 acoustic:.4 -drums:.4
    -loud:.5
droning: droning, drones, drony, droney, drone-like, sustained, hum, thrum, thrumming, drone notes, pedal tone |
    drone:1 ambient:.8 slow:.5 repetitive:.4 sitar:.3 -drums:.3
glitchy: glitchy, stuttering, stutter, stutter edits, bitcrushed, bitcrusher, bit crushed, digital noise, circuit
    bent, broken beats, skittering, glitches, fractured, scattered, clicks and cuts, clicky, microsound, skipping cd |
    electronic:.9 weird:.7 beat:.5 beats:.4 noise:.4 synth:.4 techno:.3
echoey: echoey, echoing, echo, echoes, reverb, reverby, reverb drenched, drenched in reverb, soaked in reverb,
    washy, reverb wash, reverberant, cavernous, cathedral reverb, hall reverb, plate reverb, spring reverb, dubby,
    delay, delayed, tape delay, tape echo, dub delay, ping pong delay, echo chamber, spacious reverb | echo:.8
    ambient:.7 spacey:.6 synth:.3 reggae:.2
dry: dry sound, dry mix, no reverb, without reverb, bone dry, close miked, close-miked, close mic | solo:.5
    acoustic:.5 soft:.3 -echo:.7 -ambient:.5 -spacey:.4
old recording: vinyl, vinyl crackle, record crackle, crackle, tape hiss, hiss, hissy, hissing, cassette, cassette
    tape, old recording, scratchy, scratchy record, 78 rpm, phonograph, mono recording, wax cylinder, low fidelity,
    dusty, dusty samples, wow and flutter, warped vinyl, tape warble, old radio | old:.8 noise:.4 piano:.4 jazz:.4
    classical:.3 quiet:.3
hi-fi: hi-fi, high fidelity, pristine, crystal clear, clean production, clean sound, clean mix, well produced,
    audiophile, studio quality, immaculate, clear tone, clear sound, pure tone | acoustic:.5 piano:.4 strings:.3
    classical:.4 soft:.3 -noise:.6 -old:.3
glossy: glossy, shiny, sheen, polished production, slick production, radio-ready, radio friendly, overproduced,
    over-produced, commercial sound | pop:1 beat:.4 vocal:.4 synth:.3 electronic:.3 dance:.3 drums:.3 -noise:.3
compressed: compressed, brickwalled, brick-walled, loudness war, in your face | loud:.9 pop:.2 rock:.2 electronic:.2
    -quiet:.5 -soft:.4
noisy: noisy, harsh, abrasive, cacophony, cacophonous, screeching, screechy, screech, grating, jarring, feedback,
    static, harsh noise, wall of noise, blown out, clipping, overloaded | noise:1 weird:.7 loud:.6 industrial:.4
    electronic:.3 -soft:.4 -quiet:.3
swirly: swirly, swirling, swirl, phaser, phased, phasing, flanger, flanged, flanging, chorus effect, chorused, rotary
    speaker, univibe, tremolo effect, whirling | spacey:.6 guitar:.5 electric guitar:.5 rock:.4 synth:.4 weird:.4
    ambient:.3 organ:.3
loop-based: loops, looped, looping, loop based, sample based, sampled, chopped samples, sample chops, crate digging
    | repetitive:.7 beat:.7 beats:.7 hip hop:.6 electronic:.5 -classical:.3
sidechain: sidechain, sidechained, side-chained, sidechain pumping, pumping synths, pumping bass, pumping, pumping beat
    | @DANCE house:.6
gated drums: gated reverb, gated drums, gated snare, 80s drums, big drums, huge drums, stadium drums | drums:1 loud:.6
    pop:.5 rock:.5 beat:.4 synth:.3
vocal chops: vocal chops, vocal chop, chopped vocals, vocal samples, pitched vocals, pitched up vocals |
    electronic:.8 dance:.6 beat:.6 synth:.4 vocal:.4 house:.3 pop:.3
slowed: chopped and screwed, slowed and reverb, slowed reverb, slowed down, pitched down | slow:1 hip hop:.5
    beats:.5 echo:.4 dark:.3 ambient:.3 -fast:.5
sped up: sped up, nightcore, pitched up, chipmunk vocals, helium voice | fast:.9 pop:.6 electronic:.6 dance:.6
    female:.3 vocal:.3 -slow:.5
acoustic sound: acoustic, acoustic instruments, all acoustic, natural instruments, real instruments, live
    instruments, organic sound | acoustic:1 guitar:.6 acoustic guitar:.5 piano:.4 strings:.3 folk:.3 -electronic:.6
    -synth:.5
# --- articulation and playing technique ------------------------------------------------------------
plucked: plucked, plucking, pluck, picked, plucky | plucking:.8 guitar:.7 harp:.6 strings:.4 acoustic:.4 sitar:.3
    banjo:.3 harpsichord:.4 classical:.3 -drums:.3 -electric guitar:.5 -rock:.4
percussive: percussive, rhythmic, rhythm, rhythms, polyrhythmic, polyrhythm, polyrhythms, syncopated, syncopation, drum
    heavy, drum-heavy, drum driven, drum-driven, percussion heavy, rhythm section | percussion:.8 drums:.8 beat:.8
    beats:.6 tribal:.3 world:.3
choppy: choppy, chopped, stabby, chopped up, cut up, sliced, synth stabs, chord stabs | electronic:.6 beat:.6 beats:.5
    techno:.4 repetitive:.4 weird:.3
punchy: punchy, snappy, tight, crisp, hard-hitting, hard hitting, knocking, banging, thwack | beat:.7 drums:.7 loud:.5
    fast:.3 pop:.3 electronic:.3 hip hop:.3
murky: murky, muddy, muffled, murk, submerged, blurry, blurred, washed out, dull sound, dull tone, muted tone | dark:.5
    low:.5 ambient:.5 deep:.4 noise:.3 slow:.3 bass:.3
staccato: staccato, staccato notes, detached notes, short notes, clipped notes, marcato | classical:.6 strings:.5
    piano:.5 harpsichord:.4 violin:.4 plucking:.3 fast:.3
arpeggios: arpeggio, arpeggios, arpeggiated, arpeggiating, broken chords, alberti bass, rolling arpeggios, cascading
    arpeggios, cascading notes, rippling | piano:.6 harp:.6 harpsichord:.5 classical:.5 guitar:.4 synth:.3
    plucking:.3
ornaments: trills, trill, trilling, ornaments, ornamented, ornamentation, grace notes, mordents, flourishes,
    filigree, embellishments, embellished | harpsichord:.6 baroque:.6 classical:.6 flute:.5 violin:.4 piano:.3
    -electronic:.3
glide: glissando, glissandi, gliss, portamento, swooping, swoopy, sliding notes, gliding notes | strings:.5 harp:.5
    violin:.4 sitar:.4 synth:.4 weird:.3 classical:.3
bendy: bendy, bends, bent notes, string bends, string bending, bending notes, note bends, pitch bend, pitch bends,
    pitch bending, whammy bar, whammy, tremolo arm, dive bombs, blue notes | guitar:.8 electric guitar:.6 blues:.5
    rock:.5 country:.3 sitar:.2 synth:.2
chugging: chugging, chug, chuggy, chugs, chunky riffs, chunky guitars, palm muting, palm muted, palm mute, chug
    riffs | metal:.9 guitar:.8 rock:.7 heavy metal:.6 electric guitar:.6 loud:.6 hard rock:.4 fast:.2
tremolo picking: tremolo picking, tremolo picked, tremolo guitar | metal:.9 guitar:.8 fast:.7 electric guitar:.6
    loud:.5 dark:.5 rock:.4
galloping: galloping, gallop, gallops, galloping rhythm, gallop rhythm, galloping riffs | fast:.7 metal:.5 rock:.5
    guitar:.5 drums:.5 orchestral:.3 country:.3
funk guitar: funk guitar, funky guitar, chicken scratch, scratchy guitar, wacka wacka, wakka wakka, wah, wah pedal,
    wah wah guitar | funk:.9 guitar:.8 funky:.7 electric guitar:.5 beat:.5 dance:.4 disco:.4 bass:.3
crushing: crushing riffs, pummeling, pummelling, punishing, bludgeoning, skull-crushing, heavy riffs, heavy guitars,
    heavy sound | @HEAVY
# --- voice qualities -------------------------------------------------------------------------------
high voice: head voice, high voice, high pitched voice, high pitched vocals, high vocals, high notes, whistle
    register, whistle notes | vocal:.8 singing:.6 female:.6 soprano:.5 woman:.4 female vocal:.4
high pitched: high pitched, high register, upper register, shrill, piercing, squeaky | flute:.6 violin:.5
    bells:.3 soprano:.3 female:.3 -low:.5 -deep:.5 -bass:.4
low pitched: low pitched, low register, low notes, deep notes, bottom end, low frequencies | low:.8 deep:.7 cello:.6
    bass:.6 dark:.3 male:.2
wailing: wailing, wail, wails, howling, howl, howls, keening | vocal:.6 blues:.5 rock:.4 guitar:.4 sad:.4 loud:.4
    singing:.4 electric guitar:.3
scat: scat, scatting, scat singing, vocalese, doo be doo | jazz:.9 vocal:.8 jazzy:.6 singing:.6 voice:.4
singalong syllables: la la la, lalala, na na na, nananana, sha la la, tra la la, doo doo doo, ba ba ba, da da da,
    whoa oh, woah oh | vocal:.8 singing:.8 pop:.8 happy:.4 voice:.4 upbeat:.3
talk-singing: talk singing, talk-singing, sprechgesang, half spoken, spoken sung, deadpan vocals, monotone vocals,
    monotone voice | talking:.6 vocal:.6 voice:.6 male:.3 rap:.3
fragile voice: fragile voice, quivering voice, trembling voice, shaky voice, tremulous, quavering, wavering voice,
    cracking voice, voice cracking | vocal:.6 soft:.6 singing:.4 quiet:.4 sad:.4 acoustic:.3 female:.2
# --- rhythm feel ------------------------------------------------------------------------------------
rubato: rubato, free tempo, free time, unmetered, expressive timing | piano:.6 classical:.6 solo:.5 slow:.4 soft:.3
    -drums:.3 -beat:.3
beatless: beatless, drumless, arrhythmic, pulseless, no pulse, ambient wash | ambient:.8 no beat:.7 no drums:.6
    new age:.4 soft:.3 -drums:.7 -beat:.7
groovy: groovy, grooving, groove based, in the pocket | funk:.8 beat:.7 funky:.7 bass:.5 dance:.5 disco:.4 drums:.4
shuffle: shuffle, shuffle beat, shuffle rhythm, shuffling, triplet feel, triplet groove, boogie beat | blues:.8
    rock:.5 drums:.5 guitar:.4 beat:.4 jazz:.4 country:.3
lilting: lilting, lilt, swaying, sway, gently rocking, waltzing, waltz time, three four time, compound time | folk:.5
    light:.4 soft:.4 acoustic:.4 flute:.4 guitar:.4 happy:.3 strings:.3 classical:.3
stomp clap: stomping, stomp, stomps, stompy, foot stomping, foot stomps, stomp and clap, stomp clap, hand claps,
    handclaps, handclap, clapping, claps, clap, clap along, hand clapping, finger snaps, finger snapping, body
    percussion | clapping:.9 beat:.6 percussion:.6 folk:.4 happy:.4 pop:.4 drums:.4 country:.2
plodding: plodding, lumbering, trudging, ponderous, dragging, dirge, dirge-like, dirgelike | slow:1 dark:.5 heavy:.5
    low:.4 -fast:.5 -happy:.3
off-kilter: off kilter, off-kilter, lopsided, lurching, limping, wonky beat, wonky beats, drunken beat, lurching
    beat | weird:.7 beat:.5 strange:.4 beats:.4 electronic:.4 hip hop:.3
boom-chick: boom chick, boom chicka, boom chicka boom, boom chuck, train beat, train rhythm, freight train rhythm,
    chugga chugga, choo choo | country:.8 guitar:.6 banjo:.3 drums:.3 fast:.3
jazz drums: brushes, brushed drums, brush drums, brushed snare, rimshot, rim shot, cross stick, ride cymbal | jazz:.8
    drums:.6 jazzy:.4 soft:.4 piano:.3 percussion:.3
# --- onomatopoeia (most sit with the sound they imitate: boom, thump -> booming; twang -> twangy; plink ->
# plinky; ding -> twinkly; clang -> metallic; untz -> steady beat; bleep -> synth effects; oom-pah -> brass band)
whoosh: whoosh, woosh, swoosh, swish, whooshing, whooshes, riser, risers, uplifter, downlifter, noise sweep, white
    noise sweep, filter sweep, filter sweeps | electronic:.6 synth:.5 spacey:.5 noise:.5 weird:.4 ambient:.3 dance:.3
# --- instrument phrases whose words mislead one by one ----------------------------------------------
kick drum: kick drum, kick drums, bass drum, bass drums, kick pedal, four on the floor kick | drums:1 beat:.9
    beats:.5 techno:.5 percussion:.4 dance:.4 rock:.3 electronic:.3
double kick: double bass drum, double bass drums, double kick, double kick drum, double pedal, blast beat, blast
    beats, blastbeats | metal:1 drums:.8 fast:.8 loud:.7 heavy metal:.6 rock:.5 -slow:.5
snare roll: snare roll, snare rolls, snare drum roll, marching snare, military snare, press roll, rat a tat, rat tat
    tat, ratatat, tenor drum, tenor drums | drums:.9 percussion:.6 loud:.4 orchestral:.3 dance:.3 electronic:.3
indian drone: tanpura drone, tambura drone, tanpura drones, shruti box, sruti box, harmonium drone, sitar drone, raga
    drone, indian drone, alap, alaap | @INDIAN drone:.8 slow:.3
indian percussion: tabla bols, bols, tabla solo, tabla rhythm, tabla drums, mridangam, dholak, dhol, konnakol,
    pakhawaj, ghatam, kanjira | indian:1 percussion:.8 drums:.6 sitar:.4 eastern:.4 world:.3
glass and saw: glass harp, glass harmonica, glass armonica, singing glasses, wine glasses, musical saw, singing saw,
    waterphone, ondes martenot | weird:.7 eerie:.6 ambient:.5 spacey:.4 soft:.3
nature percussion: rain stick, rainstick, ocean drum, thunder sheet, wind machine, water drum | new age:.6 ambient:.6
    percussion:.5 world:.4 water:.4 wind:.3
"""
