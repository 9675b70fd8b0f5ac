"""Eras, decades and named periods; cultures, countries, regions and languages."""

TEXT = """
# --- eras --------------------------------------------------------------------------------------------
medieval: medieval, middle ages, renaissance fair, knights, troubadour, minstrel, jester, hobbit, hobbits, the shire,
    shire, elven, fantasy village, tavern song | medieval:1 lute:.6
    flute:.5 harpsichord:.5 choir:.5 harp:.4 chant:.3 acoustic:.3 -electronic:.6 -drums:.3
renaissance: renaissance, madrigal, madrigals, palestrina, polyphony, consort music | medieval:.6
    lute:.7 harpsichord:.8 choir:.7 choral:.5 classical:.5 flute:.3 -electronic:.6 -drums:.4
baroque: baroque, 17th century, 18th century, 1700s, harpsichord era, bach, handel, vivaldi, telemann, scarlatti,
    couperin, basso continuo, continuo, figured bass, ground bass | @BAROQUE
classical era: classical period, mozart, haydn, 1780s, minuet, sonata, symphony, concerto | @CLASSICAL strings:.7
    piano:.6 orchestral:.4 harpsichord:.3
romantic era: romantic era, 19th century, chopin, liszt, schubert, schumann, brahms, tchaikovsky, beethoven, nocturne
    | @CLASSICAL piano:.9 strings:.5 orchestral:.3
opera composers: puccini, verdi, wagner, rossini, bizet, donizetti, pavarotti, callas, bel canto | @OPERA
victorian: victorian, edwardian, 1800s, old fashioned, antique, gramophone | piano:.6 classical:.6 strings:.4 harp:.3
    old:.5
jazz age: 1920s, 1930s, roaring twenties, swing era, big band, speakeasy | jazz:.9 piano:.5 horns:.5 trumpet:.4 sax:.4
    old:.4
fifties: 1950s, 50s, fifties, rock n roll, rock and roll, rockabilly, doo wop, jukebox hits, slapback, slapback echo |
    rock:.8 guitar:.6 vocal:.5 pop:.4 country:.4 old:.4 drums:.4
sixties: 1960s, 60s, sixties, flower power, woodstock, british invasion | rock:.7 pop:.6 guitar:.6 folk:.4 vocal:.4
seventies: 1970s, 70s, seventies, classic rock, arena rock, stadium rock | rock:1 guitar:.7 drums:.6 loud:.5 electric
    guitar:.4
eighties: 1980s, 80s, eighties, synthpop, synth pop, new wave, retro synth, synthwave, outrun | synth:.9 electronic:.7
    pop:.8 beat:.5 drums:.3 dance:.4
nineties: 1990s, 90s, nineties, eurodance, rave era | techno:.7 dance:.7 electronic:.7 pop:.5 rock:.3 beat:.5
modern: modern, contemporary, current, today's hits, new releases | pop:.9 electronic:.4 modern:.6 beat:.4 vocal:.4
futuristic: futuristic, future, sci fi future, cyber, robotic, digital | electronic:1 synth:.8 techno:.6 spacey:.5
    weird:.4 -acoustic:.5 -classical:.5
ancient: ancient, antiquity, ancient greece, ancient rome, mythology, lyre | harp:.7 flute:.6 lute:.3 medieval:.3
    old:.3 drone:.3
# --- more decades and named periods ---------------------------------------------------------------
twenties: 20s, twenties, jazz age music, flapper, flappers, charleston, great gatsby, prohibition | jazz:.9 old:.7
    piano:.5 trumpet:.4 fast:.4 happy:.3 -electronic:.5
thirties: 30s, thirties, depression era, great depression, dust bowl, crooners era | jazz:.7 old:.7 piano:.5 vocal:.4
    blues:.3 soft:.3 -electronic:.5
forties: 1940s, 40s, forties, wartime, world war two, ww2, wwii, victory dance, golden age of radio, jitterbug, lindy
    hop | jazz:.8 old:.7 horns:.5 trumpet:.4 piano:.4 happy:.3 vocal:.3 -electronic:.5
disco era: disco era, studio 54, saturday night fever, seventies disco, 70s disco | disco:1 dance:.8 funk:.6 pop:.5
    beat:.6 strings:.3 happy:.3
grunge era: grunge era, alternative nineties, mtv era, mtv unplugged | rock:.9 guitar:.7 loud:.5 electric guitar:.4
    drums:.4
two thousands: 2000s, 00s, noughties, aughts, y2k, millennium, turn of the millennium | pop:.8 dance:.3 electronic:.3
    beat:.5 rock:.4 hip hop:.3 vocal:.4
twenty tens: 2010s, 10s, twenty tens, the tens, edm era, streaming era | pop:.8 electronic:.6 dance:.5 beat:.6
    synth:.4 hip hop:.3
twenty twenties: 2020s, twenty twenties, tiktok, viral, viral hits, tiktok songs | pop:1 beat:.5 electronic:.3 hip
    hop:.4 vocal:.5 dance:.3
early twentieth century: early 20th century, 1900s, 1910s, turn of the century, belle epoque, la belle epoque, ragtime
    era, silent film, silent movie | piano:.8 old:.8 classical:.4 strings:.3 happy:.2
twentieth century: 20th century, 1900s music, modernist, modernism, mid-century, mid century, midcentury |
    classical:.5 piano:.5 jazz:.4 old:.4 strings:.4
twenty-first century: 21st century, present day, nowadays, latest, newest, new music | modern:.7 pop:.8 electronic:.5
    beat:.4 vocal:.3
oldies: oldies, golden oldies, oldie, old school, throwback, throwbacks, retro, vintage, classic hits, good old days |
    old:.9 pop:.5 rock:.5 vocal:.4 guitar:.3
prehistoric: prehistoric, stone age, caveman, cavemen, primal, primitive, primeval | tribal:.9 drums:.8 percussion:.7
    chant:.4 flute:.5 drone:.3 -electronic:.4 -rock:.5 -electric guitar:.5 -synth:.3 -guitar:.5
elizabethan: elizabethan, tudor, shakespeare, shakespearean, 16th century, 1500s, 15th century, 1600s, court dance |
    medieval:.8 lute:.8 flute:.5 harpsichord:.6 strings:.3 old:.4 -electronic:.5
regency: regency, jane austen, georgian era, 18th century ballroom, period drama, costume drama, bridgerton |
    classical:.8 strings:.8 harpsichord:.7 violin:.5 piano:.3 -electronic:.5 -drums:.4
gilded age: gilded age, art deco, golden age of hollywood, old hollywood, classic hollywood, film noir era, vintage
    hollywood | orchestral:.6 strings:.6 jazz:.5 piano:.5 old:.6 classical:.3
space age: space age, atomic age, sputnik, retro futurism, retro-futuristic, raygun | synth:.7 spacey:.7 weird:.5
    electronic:.5 old:.3 jazz:.2
new romantic: new romantics, new romantic, hair bands, 80s pop, 80s rock, 80s power ballad | synth:.7 pop:.8 rock:.4
    drums:.4 vocal:.4
# --- cultures and regions ----------------------------------------------------------------------------
india: india, indian, hindustani, carnatic, raga, rag, varanasi, bengal, punjab, ravi shankar, tabla,
    snake charmer, snake charmers, pungi, maharaja, maharajah, rajasthan, rajasthani, sangeet, mehndi, mehendi,
    indian wedding, taj mahal | @INDIAN
middle east: middle east, middle eastern, arabic, arab, persian, turkish, belly dance, bazaar, oud, aladdin, genie,
    arabian nights, arabian, desert caravan, caravan, sultan, sultan's palace, flying carpet, maqam, hijaz, arabic
    scale, ululation, ululating, microtonal, quarter tones | middle eastern:1 arabic:.8 eastern:.7 world:.4 sitar:.5
    indian:.4 percussion:.3 strings:.3 drums:.2
far east: japan, japanese, china, chinese, asian, oriental, koto, shamisen, zen garden, bamboo | oriental:.8
    eastern:.7 flute:.5 world:.4 ambient:.4 soft:.3
korea: k-pop, kpop, korean pop, j-pop, jpop | pop:1 dance:.5 electronic:.4 vocal:.4 beat:.4
america south: american south, southern, yeehaw, texas, tennessee, nashville, kentucky, appalachia, appalachian, dixie,
    yee haw | @COUNTRY
wild west: wild west, old west, cowboy, cowboys, western, frontier, prairie, saloon, shootout, gunslinger
    | @COUNTRY
ireland: irish, ireland, celtic, scottish, scotland, gaelic, highlands, bagpipes, jig, reel | celtic:1 irish:.8
    flute:.7 fiddle:.6 violin:.4 harp:.5 folk:.5
spain: spanish, spain, flamenco, andalusia, seville, madrid, tango, latin guitar, rasgueado, rasgueados, flamenco
    strumming, picado | spanish:1 guitar:.9 acoustic guitar:.6 classical guitar:.5 acoustic:.4 classical:.5 solo:.3
    -rock:.6 -electric guitar:.5 -drums:.3
latin: latin, latin american, brazil, brazilian, bossa nova, bossa, samba, salsa, mexico, mexican, cuba, cuban | guitar:.7
    acoustic guitar:.5 percussion:.5 spanish:.5 acoustic:.4 -rock:.6 -electric guitar:.5 -metal:.4
andes: andes, andean, peru, bolivia, inca, pan pipes, panpipes, pan flute | flute:1 flutes:.8 world:.5 folk:.3
native american: native american, first nations, powwow, tribal flute | flute:.8 tribal:.6 drums:.4 chant:.4 world:.4
africa: africa, african, djembe, congo, kenya, savanna | percussion:.8 tribal:.7 drums:.7 world:.6 bongos:.4
caribbean: caribbean, jamaica, jamaican, reggae, ska, calypso, dancehall | reggae:1 beat:.5 guitar:.4 happy:.4 pop:.3
italy: italy, italian, naples, neapolitan, venice, rome, tuscany | opera:.8 classical:.5 operatic:.4 strings:.3
austria germany: vienna, viennese, austria, salzburg, germany, german, leipzig, waltz | @CLASSICAL strings:.7 piano:.6
    orchestral:.5 opera:.3
france: france, french, paris, parisian, chanson, accordion | piano:.5 vocal:.4 strings:.3 classical:.3 soft:.3
england: england, english, british, london, oxford, cambridge, king's college, choirboys, choir boys | choir:.6
    choral:.5 classical:.4 rock:.3 pop:.3
berlin detroit: berlin, detroit, chicago house, ibiza, berghain, techno city | @DANCE techno:1 repetitive:.4
hawaii: hawaii, hawaiian, ukulele, aloha | guitar:.7 acoustic:.6 happy:.5 soft:.4
russia: russia, russian, balalaika, slavic, orthodox | classical:.5 choir:.5 strings:.5 folk:.4
# --- more cultures, countries, regions and languages ---------------------------------------------
south asia: pakistan, pakistani, nepal, nepalese, sri lanka, bangladesh, hindi, urdu, punjabi, tamil, telugu, bengali,
    sanskrit, kathak, bharatanatyam | @INDIAN vocal:.3
tibet: tibet, tibetan, himalaya, himalayas, himalayan, tibetan bowls, tibetan monks, buddhist, buddhism | chant:.7
    chanting:.6 drone:.6 bells:.5 ambient:.6 new age:.5 monks:.5 slow:.4 -drums:.3
southeast asia: thailand, thai, vietnam, vietnamese, cambodia, laos, philippines, filipino, malaysia, burma, myanmar |
    oriental:.7 eastern:.7 world:.5 bells:.4 percussion:.4 flute:.3 soft:.3
china: mandarin, cantonese, beijing, shanghai, hong kong, taiwan, chinese opera, peking opera, kung fu movie |
    oriental:.9 eastern:.7 strings:.4 flute:.4 world:.4 soft:.3
japan: tokyo, kyoto, osaka, samurai, geisha, ninja, edo, kabuki, noh, shinto | oriental:.9 eastern:.6 flute:.5
    drums:.3 strings:.3 soft:.3
korean: korea, korean, seoul, k-drama, kdrama, pansori | oriental:.6 pop:.6 eastern:.5 vocal:.4 strings:.3
mongolia: mongolia, mongolian, steppe, steppes, genghis khan, central asia, kazakh, uzbek, silk road | drone:.6
    world:.7 eastern:.6 male:.4 strings:.4 chant:.4 folk:.4
caucasus: georgian polyphony, armenia, armenian, azerbaijan, chechen, caucasus | choir:.6 male:.5 folk:.6 world:.6
    eastern:.5 vocal:.4 sad:.3
persia: iran, iranian, farsi, persian classical, tehran, kurdish, kurdistan, afghan, afghanistan | middle eastern:.9
    eastern:.7 arabic:.5 strings:.4 world:.5 slow:.3 sitar:.4
levant: lebanon, lebanese, syria, syrian, egypt, egyptian, cairo, israel, israeli, hebrew, jerusalem, iraq, iraqi,
    morocco, moroccan, tunisia, algeria, algerian | middle eastern:.9 arabic:.8 eastern:.6 percussion:.4 strings:.3
    world:.4 sitar:.4
turkey: turkey, istanbul, ottoman, anatolia, anatolian, whirling dervish, dervish | middle eastern:.9 eastern:.7
    arabic:.5 flute:.4 strings:.4 world:.4 sitar:.3
west africa: west africa, west african, mali, malian, senegal, senegalese, ghana, ghanaian, nigeria, nigerian, guinea,
    ivory coast, griot, griots | world:.8 percussion:.7 drums:.6 guitar:.5 tribal:.4 vocal:.4 happy:.3
east and south africa: ethiopia, ethiopian, ethio-jazz, ethiojazz, tanzania, uganda, zimbabwe, south africa, south
    african, zulu, xhosa, swahili, madagascar | world:.8 percussion:.6 drums:.6 choir:.4 vocal:.4 tribal:.5 happy:.3
cape verde: cape verde, morna, coladeira, angola, kuduro, mozambique | world:.6 guitar:.6 acoustic:.4 sad:.3
    percussion:.4 spanish:.3 -rock:.6 -electric guitar:.5
scandinavia: scandinavia, scandinavian, nordic, norway, norwegian, sweden, swedish, finland, finnish, denmark, danish,
    iceland, icelandic, viking, vikings, sami, joik | folk:.6 ambient:.5 choir:.4 strings:.4 dark:.3 drums:.3
    violin:.3
baltic slavic: poland, polish, czech, bohemia, bohemian, slovakia, hungary, hungarian, budapest, ukraine, ukrainian,
    lithuania, latvia, estonia, belarus | folk:.6 classical:.5 violin:.5 strings:.5 choir:.3 fast:.3
balkans: balkans, serbia, serbian, croatia, bosnia, bulgaria, bulgarian, romania, romanian, macedonia, albania,
    transylvania | folk:.6 eastern:.6 violin:.5 fast:.5 choir:.3 world:.5
benelux: netherlands, dutch, amsterdam, belgium, belgian, rotterdam | techno:.6 dance:.6 electronic:.6 beat:.5
    house:.3
alpine: switzerland, swiss, alps music, alpine, alphorn, tyrol, tyrolean, bavaria, bavarian, oktoberfest, lederhosen |
    folk:.6 happy:.6 horns:.4 country:.3 fast:.3 vocal:.3
wales: wales, welsh, welsh choir, male voice choir, cornwall, cornish | choir:1 choral:.8 male:.6 vocal:.5
    classical:.3
usa: america, american, usa, united states, all-american, americana road, route 66 | rock:.6 country:.6 pop:.6
    guitar:.5 blues:.3
new orleans: new orleans, nola, mardi gras, french quarter, second line, bourbon street | jazz:1 trumpet:.6 horns:.5
    happy:.5 fast:.4 piano:.4 drums:.3
memphis: memphis, mississippi, mississippi delta, juke joint, clarksdale, beale street | blues:1 guitar:.8 vocal:.5
    old:.4 slow:.3
new york: new york, nyc, brooklyn, bronx, harlem, manhattan, broadway lights | jazz:.5 hip hop:.5 beat:.5 piano:.4
    pop:.4 rap:.3
california: california, los angeles, hollywood, san francisco, malibu, venice beach, west coast | pop:.7 rock:.5
    guitar:.5 happy:.4 beat:.3
pacific northwest: seattle, portland, pacific northwest, grunge capital | rock:.8 guitar:.7 loud:.5 electric guitar:.4
    drums:.4
uk cities: manchester, liverpool, glasgow, bristol, birmingham, madchester | rock:.7 pop:.5 guitar:.6 electronic:.3
    drums:.4
canada: canada, canadian, quebec, quebecois, toronto, montreal, newfoundland | folk:.6 fiddle:.5 rock:.4 pop:.4
    guitar:.5 violin:.3
arctic peoples: inuit, inuk, eskimo, greenland, alaska, alaskan, siberia | drone:.6 chant:.6 voice:.6 ambient:.5
    world:.5 drums:.4 -rock:.5 -electric guitar:.5 -guitar:.3
australia: australia, australian, aboriginal, outback, sydney, melbourne | world:.5 drone:.6 tribal:.6 rock:.4
    guitar:.4 ambient:.3
oceania: new zealand, maori, haka, polynesia, polynesian, tahiti, samoa, fiji, tonga | tribal:.7 drums:.6 chant:.6
    male:.5 percussion:.5 world:.5 guitar:.3
argentina: argentina, argentinian, argentine, buenos aires, uruguay, milonga, tango nuevo, piazzolla | spanish:.7
    violin:.5 strings:.5 piano:.4 guitar:.4 sad:.3
colombia venezuela: colombia, colombian, venezuela, venezuelan, ecuador, chile, chilean, nueva cancion | spanish:.8
    guitar:.7 acoustic:.5 percussion:.5 folk:.4 happy:.4 -rock:.6 -electric guitar:.5
puerto rico: puerto rico, puerto rican, dominican, dominican republic, santo domingo, panama | spanish:.7
    percussion:.7 dance:.7 beat:.6 drums:.5 happy:.4
trinidad haiti: trinidad, trinidadian, tobago, barbados, haiti, haitian, bahamas, bermuda, virgin islands | reggae:.6
    percussion:.6 happy:.6 dance:.5 beat:.5 world:.4
foreign language: foreign, foreign language, not english, non english, other languages, world languages, international
    | foreign:.9 not english:.8 world:.7 vocal:.4 eastern:.3
english language: in english, english lyrics, english songs, english language | english:.8 vocal:.8 pop:.6 rock:.4
    singing:.4
latin language: latin chant, latin mass, latin lyrics, church latin, ecclesiastical latin | choir:.9 chant:.7
    choral:.8 classical:.4 -drums:.5
"""
