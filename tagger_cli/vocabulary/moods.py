"""Moods and emotions; tempo, energy and volume words (sound and timbre words: :mod:`.sounds`)."""

TEXT = """
# --- moods -------------------------------------------------------------------------------------------
happy: happy, joyful, cheerful, joy, sunny mood, good mood, feel good, feel-good, uplifting, positive, jolly, merry,
    glad, delighted, gleeful, joyous, jubilant, elated, festive, celebratory, carefree, lighthearted, light-hearted,
    sunny disposition, jovial, exuberant, ebullient, effervescent, giddy, perky, sprightly, bubbly, chirpy, extroverted,
    freewheeling, toe tapping, foot tapping | @HAPPY
sad: sad, sadness, melancholy, melancholic, sorrow, depressed, depressing, heartbreak, heartbroken, breakup, crying,
    tears, lonely, loneliness, mournful, sorrowful, somber, sombre, tragic, tragedy, despair, despairing, desolate,
    forlorn, feeling blue, heavy hearted, heavy-hearted, tearful, weeping, lament, elegy, elegiac, plaintive,
    downcast, miserable, hopeless, regret, unhappy, down in the dumps, distraught, desperate, regretful, weary,
    world-weary | @SAD
angry: angry, anger, rage, furious, aggressive, aggression, mad, frustrated, hostile, violent, violence, brutal,
    savage, fierce, ferocious, wrath, hatred, hate, vengeful, revenge, belligerent, confrontational, outraged,
    volatile, uncompromising | @HEAVY punk:.5
calm: calm, peaceful, tranquil, serene, serenity, soothing, gentle, quiet time, still, peace, inner peace, relaxed,
    restful, placid, tranquility, tranquillity, calming, stress relief, anxiety relief | @CALM @INSTRUMENTAL harp:.3
    flute:.3
chill: chill, chilled, chillout, mellow, easygoing, lounge, downtempo | ambient:.7 soft:.6 mellow:.7 slow:.5
    electronic:.4 beat:.3 -loud:.6 -metal:.6 -fast:.4
dreamy: dreamy, dreamlike, ethereal, floating, hazy, celestial, heavenly, angelic, misty, mist, fog, foggy, otherworldly
    beauty,
    reverie, dreamscape, flowing | ambient:.9 harp:.7 new age:.6 soft:.6 spacey:.5 synth:.4 airy:.4 -loud:.6 -drums:.4
energetic: energetic, energy, energized, energised, energizing, high energy, intense, powerful, adrenaline, upbeat,
    lively, pumped, excited, excitement,
    exciting, thrilling, exhilarating, electrifying, dynamic, vigorous, spirited, hyper, boisterous, rowdy, raucous,
    rambunctious, rousing, rollicking, kinetic, motoric, gutsy, visceral, feverish | @ENERGY rock:.4 techno:.4 pop:.4
scary: scary, creepy, spooky, eerie, sinister, unsettling, disturbing, nightmare, menacing, terrifying, fear, afraid,
    fearful, frightening, horrifying, horrific, haunting, ghostly, spectral, macabre, gothic horror | @SPOOKY
dark: dark, gloomy, brooding, ominous, moody, noir, grim, nihilistic, suffocating, oppressive, severe | dark:.9
    slow:.5 eerie:.5 weird:.5 ambient:.4 -happy:.6
mysterious: mysterious, mystery, enigmatic, mystical, magical, arcane | weird:.6 eerie:.5 ambient:.6 spacey:.4
    eastern:.4 harp:.3
epic: epic, dramatic, grand, majestic, heroic, triumphant, victorious, anthem, grandiose, monumental, massive,
    colossal, huge, larger than life, awe-inspiring, awe, sublime, glorious, victory, triumph, hero, mighty,
    bombastic, sprawling | orchestral:.7 strings:.7 choir:.5 loud:.6 opera:.4 classical:.5 drums:.3
romantic: romantic, tender, loving, in love, love song, sensual | slow:.6 soft:.6 piano:.6 strings:.5 violin:.5
    vocal:.3 -loud:.6 -metal:.6 -weird:.4
playful: playful, whimsical, quirky, bouncy, silly, fun, funny, animated, capricious, cheeky fun | happy:.6 flute:.5
    pop:.5 upbeat:.5 fast:.4 -dark:.5 -sad:.5
spiritual: spiritual, sacred, holy, divine, religious, devotional, soulful prayer, transcendent | choir:.8 choral:.6
    chant:.5 indian:.4 new age:.4 ambient:.4 organ:.3
nostalgic: nostalgic, nostalgia, memories, bittersweet, wistful, sentimental, longing, yearning, reminiscing,
    remembering, homesick, homesickness, missing someone | slow:.5 soft:.5 piano:.6 acoustic:.4 guitar:.4 strings:.4
    old:.3
elegant: elegant, refined, classy, sophisticated, graceful, posh, fancy, ornate, opulent, elaborate, cosmopolitan,
    polished | classical:.8 piano:.6 strings:.6 harpsichord:.5 harp:.4 -loud:.5 -metal:.6 -techno:.4
tense: tense, suspense, suspenseful, tension, anxious, nervous, thriller, uneasy, restless, paranoid, paranoia,
    anxiety, dread, worry, worried, on edge, claustrophobic, jittery, turbulent | weird:.6 dark:.5 strings:.5 eerie:.5
    drone:.3 -happy:.5
hypnotic: hypnotic, trance-like, repetitive, mesmerizing, trippy, psychedelic, circular, druggy, narcotic, stoned,
    meandering | repetitive:.8 techno:.6 electronic:.6 trance:.5 drone:.5 sitar:.3 ambient:.4
euphoric: euphoric, euphoria, ecstatic, blissful, hands in the air | @DANCE trance:.6 happy:.5 loud:.4
rebellious: rebellious, defiant, attitude, edgy, raw, angst, angsty, teen angst, rebel yell, bitter, resentful, jaded,
    cynical, angst-ridden, provocative, reckless, messy, ramshackle, sloppy, shambolic, unpolished, rough around the
    edges, scrappy, garagey | rock:1 punk:.7 loud:.7 guitar:.5 drums:.5
confident: confident, swagger, cool, badass, sexy, fierce confidence, hustle, grind, flex, swaggering,
    bravado, brash, flashy, slick, street-smart, thuggish | beat:.7 beats:.6 pop:.5 hip hop:.5 electronic:.4 drums:.4
weird: weird, strange, bizarre, odd, surreal, alien sounds, otherworldly, abstract, eccentric, outlandish, outrageous
    | weird:1 strange:.8 spacey:.5 noise:.4 electronic:.3
hopeful: hopeful, hope, inspiring, inspirational, optimistic, bright, grateful, gratitude, thankful, blessed, renewal,
    new beginnings, fresh start | happy:.6 strings:.5 piano:.5 pop:.4 upbeat:.4 -dark:.5
lazy: lazy, sleepy, drowsy, slow paced, easy, sluggish, lethargic, languid, unhurried, leisurely, low energy, low key,
    low-key | slow:.8 soft:.7 quiet:.5 ambient:.4 acoustic:.3 -fast:.6 -loud:.6
# --- more moods and emotions ---------------------------------------------------------------------------
reflective: reflective, pensive, contemplative, introspective, thoughtful, meditative mood, soul searching, musing,
    philosophical, searching, earnest, serious | slow:.5 soft:.5 piano:.7 ambient:.4 acoustic:.3 strings:.3 quiet:.3
    -loud:.5
frantic: frantic, chaotic, chaos, frenetic, frenzied, hectic, manic, panic, panicked, agitated, urgent, rushed |
    fast:.8 loud:.6 drums:.5 weird:.4 techno:.3 noise:.3 -slow:.5 -soft:.4
ceremonial: ceremonial, ceremony, regal, royal, noble, stately, dignified, pomp, pageantry, coronation, processional,
    fanfare, fanfares | horns:.7 trumpet:.6 orchestral:.7 classical:.7 strings:.5 loud:.4 organ:.3
solemn: solemn, sober, reverent, reverence, grave, austere, sacred silence, contemplation | slow:.7 choir:.6 organ:.5
    strings:.5 classical:.6 choral:.4 quiet:.3 -happy:.4 -fast:.4
childlike: childlike, innocent, innocence, naive, cute, sweet, adorable, cuddly, kawaii, child-like, precious, sugary
    | happy:.6 soft:.5 bells:.5 flute:.4 piano:.4 light:.4 -dark:.6 -loud:.4
sneaky: sneaky, sneaking, mischievous, cheeky, sly, tiptoe, tiptoeing, stealth, stealthy, prowling, lurking |
    strings:.5 plucking:.3 quiet:.5 weird:.4 bass:.3 dark:.3 slow:.3 -loud:.4
adventurous: adventurous, adventure, quest, exploration, exploring, journey, wanderlust, expedition, voyage, odyssey |
    orchestral:.7 strings:.6 classical:.4 flute:.3 drums:.3 loud:.3 happy:.3
solitude: solitude, alone, isolated, isolation, empty, emptiness, void, abandoned, insular, detached, withdrawn |
    slow:.6 ambient:.6 quiet:.6 soft:.5 piano:.5 sad:.4 drone:.3 -happy:.4 -loud:.4
sultry: sultry, seductive, steamy, sensuous, silky, velvety, smoky, slinky, flirty, flirtatious, desire, erotic,
    sexual, sleazy, hedonistic, indulgent | slow:.5 soft:.4 jazz:.5 sax:.5 vocal:.4 female:.3 beat:.3 -loud:.3
    pop:.4 -fast:.3
comedy: comedy, comedic, humorous, goofy, zany, wacky, cartoonish, slapstick, clown, clowns, clownish, hilarious, campy,
    satirical, sarcastic, ironic, irreverent, witty, wry, sardonic, comic, tongue in cheek, snide, boing, boing boing,
    sproing, cartoon sound effects | happy:.6 weird:.6 fast:.4 upbeat:.4 pop:.3 -sad:.5 -dark:.5
emotional: emotional, heartfelt, moving, touching, poignant, expressive, passionate, emotive, tearjerker, soulful,
    cathartic, catharsis, rhapsodic | slow:.5 strings:.6 violin:.5 piano:.6 vocal:.4 cello:.4 sad:.3
fiery: fiery, hot-blooded, burning, blazing, explosive, volcanic | fast:.6 loud:.6 guitar:.5 drums:.5 spanish:.3
    rock:.4 violin:.3
evil: evil, demonic, satanic, diabolical, hellish, infernal, wicked, villain, villainous, dark lord, occult,
    malevolent, threatening | dark:.9 metal:.6 scary:.5 loud:.4 weird:.4 heavy:.4 choir:.3
tribal mood: wild, untamed, feral, ritual, rituals, shamanic, shaman, trance dance, war dance, tribal drums, tribal
    beat, tribal rhythm, drum circle | tribal:.8 drums:.8 percussion:.7 chant:.4 loud:.4 world:.4
enchanted: enchanted, enchanting, enchantment, wonder, wonderland, fairies, fairy, fairyland, whimsy, spellbound,
    magic spell | harp:.7 bells:.5 flute:.5 strings:.4 ambient:.4 soft:.4 classical:.3 -loud:.4
dystopian: dystopian, dystopia, apocalyptic, post-apocalyptic, apocalypse, doomsday, end of the world, bleak,
    wasteland, collapse | dark:.8 industrial:.5 ambient:.5 electronic:.4 drone:.4 weird:.4 noise:.4 -happy:.5
exotic: exotic, faraway, far away, distant lands, far off lands, mystical east | world:.7 eastern:.5 foreign:.5
    indian:.3 percussion:.3 flute:.3 sitar:.3
heartwarming: heartwarming, wholesome, comforting, reassuring, tenderhearted, kindness, warm hearted, warmhearted,
    agreeable, amiable, benevolent, friendly | happy:.5 soft:.5 acoustic:.5 piano:.4 guitar:.4 strings:.3 -dark:.5
fashion: fashion, fashion show, runway, catwalk, stylish, trendy, chic, glamorous, glamour, vogue | dance:.6
    electronic:.7 beat:.7 house:.5 pop:.5 techno:.4
# --- tempo, energy and volume --------------------------------------------------------------------------
fast tempo: speedy, rapid, brisk, hurried, up tempo, uptempo, up-tempo, high tempo, high bpm, allegro, presto, vivace,
    double time, breakneck, faster | fast:1 quick:.6 fast beat:.5 upbeat:.4 drums:.3 -slow:.6
slow tempo: slowly, slower, adagio, largo, lento, grave tempo, low bpm, half time feel, crawling, glacial pace, slow
    motion | slow:1 soft:.3 quiet:.2 -fast:.6
mid tempo: mid tempo, midtempo, mid-tempo, moderate tempo, medium tempo, moderate pace, moderato, andante, walking
    pace | beat:.5 pop:.5 drums:.4 guitar:.3 -fast:.2 -slow:.2
loud volume: louder, blasting, blaring, deafening, roaring, cranked up, full volume, forte, fortissimo, turn it up,
    ear splitting, ear-splitting | loud:1 drums:.3 rock:.3 -quiet:.6 -soft:.5
quiet volume: quieter, silent, silence, hushed, low volume, pianissimo, subdued, barely audible, muted, whisper quiet,
    soft volume, very quiet, background level, decrescendo, diminuendo | quiet:1 soft:.8 calm:.4 -loud:.6 -drums:.3
build-up: build up, buildup, build-up, crescendo, climax, rising, swelling, intensifying, rising tension | loud:.6
    orchestral:.5 strings:.4 drums:.4 electronic:.4 dance:.3
steady beat: steady beat, four on the floor, four-on-the-floor, driving beat, pulsing, pulse, pulsating, marching beat,
    metronomic, untz, untz untz, oontz, oonts, unce, unce unce, boots and cats, doof, doof doof, throbbing, throb,
    driving rhythm, driving drums, propulsive | beat:1 techno:.7 dance:.6 drums:.5 repetitive:.5 electronic:.5 house:.4
delicate: delicate, intimate, fragile, brittle, translucent, restrained, reserved, subtle, tender touch, pure |
    soft:.8 quiet:.7 slow:.4 piano:.5 acoustic:.4 harp:.3 solo:.3 -loud:.6 -drums:.3
complex: complex, complicated, technical, knotty, difficult, cerebral, intricate, virtuosic, virtuoso, odd time
    signatures, odd meter, odd meters, odd time, irregular meter | classical:.6 jazz:.5 piano:.5 strings:.4 weird:.3
    fast:.3
pastoral: pastoral, rustic, earthy, organic, bucolic, idyllic, rural idyll | acoustic:.7 flute:.6 folk:.6 guitar:.5
    strings:.4 soft:.4 classical:.3
melodic: melodic, melodious, tuneful, lyrical, singable, hummable, sweet melody, harmonious, consonant, mellifluous,
    dulcet | pop:.4 piano:.5 strings:.4 vocal:.4 soft:.3 guitar:.3
"""
