"""Hand-written short prose in more languages for the token-estimator corpus (see corpus_langs.py), written
for this corpus: everyday requests, a place, a bug report, a meeting, a meal, an app that hangs.

``SEEN`` joins the fitted "languages" category.  ``UNSEEN`` is never fitted: bench_tokens.py --languages measures
it whole, to show whether the estimator holds in languages its coefficients never saw (Malay, Tagalog, Swedish,
Finnish, Romanian, Hungarian, Catalan, Danish, Croatian and Persian).
"""

SEEN = {
    "it": """
Domani mattina partiamo presto, quindi stasera dobbiamo preparare le valigie. A proposito, il tuo
passaporto è ancora nel cassetto della cucina, non dimenticarlo.

Buongiorno, l'ordine che ho effettuato la settimana scorsa non è ancora arrivato e il numero di
tracciamento non compare nel sistema. Potreste verificare lo stato della mia spedizione e farmi
sapere qualcosa?

Venezia è costruita su più di cento piccole isole collegate da ponti. Ogni anno milioni di turisti
visitano piazza San Marco, ma gli abitanti del centro storico continuano a diminuire.

Questa funzione calcola la media dei numeri nella lista, però restituisce un errore di divisione per
zero quando la lista è vuota. Per correggerla, controlla prima la lunghezza della lista.

La riunione è stata spostata alle tre del pomeriggio. Bisogna aggiornare i grafici della
presentazione con i dati nuovi e ricontrollare la tabella del bilancio prima di mandarla alla
direzione.

Che cosa cuciniamo stasera? In frigorifero ci sono un po' di pollo, qualche pomodoro e dei peperoni;
potremmo fare il pollo al forno con le verdure e un'insalata.

Dopo l'ultimo aggiornamento l'applicazione si blocca all'avvio. Ho già riavviato il telefono, ma il
problema continua: che cosa mi consigliate di fare?
""",
    "nl": """
Morgenvroeg vertrekken we al om zes uur, dus vanavond moeten we de koffers inpakken. Trouwens, je
paspoort ligt nog steeds in de la van de keukenkast.

Goedemiddag, de bestelling die ik vorige week heb geplaatst is nog niet bezorgd en de trackingcode
staat niet in het systeem. Kunt u nagaan wat er met mijn pakket gebeurd is?

Amsterdam heeft meer dan honderd kilometer grachten en ongeveer vijftienhonderd bruggen. De
grachtengordel uit de zeventiende eeuw staat sinds 2010 op de Werelderfgoedlijst van UNESCO.

Deze functie berekent het gemiddelde van de getallen in de lijst, maar geeft een deling-door-nulfout
als de lijst leeg is. Controleer eerst de lengte van de lijst voordat je deelt.

De vergadering is verplaatst naar drie uur. De grafieken in de presentatie moeten worden bijgewerkt
met de nieuwe cijfers en de begrotingstabel moet nog een keer worden nagekeken.

Wat zullen we vanavond eten? Er liggen nog wat kip, tomaten en paprika's in de koelkast; misschien
maken we een ovenschotel met groenten en rijst.

Na de laatste update loopt de app vast bij het opstarten. Ik heb mijn telefoon al opnieuw opgestart,
maar het probleem blijft. Wat raden jullie aan?
""",
    "id": """
Besok pagi kita berangkat lebih awal, jadi malam ini kita harus mengemas koper. Oh ya, paspormu
masih tertinggal di laci dapur, jangan sampai lupa dibawa.

Selamat siang, pesanan yang saya buat minggu lalu belum juga sampai dan nomor resinya tidak muncul
di sistem. Mohon bantu periksa status pengiriman pesanan saya dan kabari saya secepatnya.

Jakarta adalah ibu kota Indonesia dan merupakan kota terpadat di negara ini. Pemerintah sedang
membangun ibu kota baru di Kalimantan Timur untuk mengurangi beban kota yang semakin padat.

Fungsi ini menghitung rata-rata angka dalam daftar, tetapi menghasilkan kesalahan pembagian dengan
nol ketika daftarnya kosong. Untuk memperbaikinya, periksa terlebih dahulu panjang daftar tersebut.

Rapat dipindahkan ke pukul tiga sore. Grafik dalam presentasi perlu diperbarui dengan data terbaru,
dan tabel anggaran harus diperiksa sekali lagi sebelum dikirimkan kepada direksi.

Malam ini kita masak apa? Di kulkas masih ada sedikit ayam, tomat, dan paprika; mungkin kita bisa
membuat ayam panggang dengan sayuran dan nasi hangat.

Setelah pembaruan terakhir, aplikasinya selalu macet ketika dibuka. Saya sudah menyalakan ulang
ponsel, tetapi masalahnya tetap ada. Apa yang sebaiknya saya lakukan?

Para petani di desa itu mengeluhkan harga pupuk yang terus naik, sementara hasil panen mereka dijual
dengan harga yang rendah kepada tengkulak.
""",
    "sw": """
Kesho asubuhi tutaondoka mapema, kwa hiyo usiku huu tunapaswa kufunga mizigo. Na usisahau, pasipoti
yako bado iko kwenye droo ya jikoni.

Habari, oda niliyoweka wiki iliyopita bado haijafika na namba ya ufuatiliaji haionekani kwenye
mfumo. Tafadhali angalieni hali ya oda yangu na mnijulishe haraka iwezekanavyo.

Dar es Salaam ni mji mkubwa zaidi nchini Tanzania na bandari yake inahudumia nchi nyingi zisizo na
pwani. Hata hivyo, makao makuu ya serikali yamehamishiwa Dodoma.

Kazi hii inakokotoa wastani wa namba zilizo kwenye orodha, lakini inatoa hitilafu ya kugawanya kwa
sifuri orodha ikiwa tupu. Ili kurekebisha, kagua kwanza urefu wa orodha.

Mkutano umesogezwa hadi saa tisa mchana. Michoro ya wasilisho inahitaji kusasishwa kwa takwimu mpya,
na jedwali la bajeti likaguliwe tena kabla ya kutumwa kwa wakurugenzi.

Tupike nini leo jioni? Kwenye jokofu kuna kuku kidogo, nyanya na pilipili hoho; labda tunaweza
kupika kuku wa kuoka pamoja na mboga na wali.

Baada ya sasisho la mwisho, programu inakwama kila ninapoifungua. Nimeshazima na kuwasha simu upya,
lakini tatizo bado lipo. Mnanishauri nifanye nini?
""",
    "cs": """
Zítra ráno vyrážíme brzy, takže dnes večer musíme sbalit kufry. Mimochodem, tvůj pas pořád leží v
šuplíku v kuchyni, nezapomeň ho.

Dobrý den, objednávka, kterou jsem zadal minulý týden, stále nedorazila a sledovací číslo se v
systému nezobrazuje. Mohli byste prosím zjistit, v jakém stavu je moje zásilka?

Praha leží na řece Vltavě a její historické centrum je zapsáno na seznamu světového dědictví UNESCO.
Karlův most patří k nejnavštěvovanějším místům ve městě.

Tato funkce počítá průměr čísel v seznamu, ale když je seznam prázdný, skončí chybou dělení nulou.
Abys to opravil, zkontroluj nejdřív délku seznamu.

Porada se přesunula na třetí hodinu odpoledne. Grafy v prezentaci je potřeba aktualizovat podle
nových údajů a tabulku rozpočtu ještě jednou zkontrolovat, než ji pošleme vedení.

Co si dnes uvaříme k večeři? V lednici je trochu kuřecího masa, rajčata a papriky; mohli bychom
upéct kuře se zeleninou.

Po poslední aktualizaci se aplikace při spuštění zasekne. Telefon jsem už restartoval, ale problém
přetrvává. Co byste mi doporučili?

Na jaře plánujeme rekonstrukci koupelny. Potřebujeme nové obklady, sprchový kout a umyvadlo;
řemeslník slíbil, že práce zabere zhruba dva týdny.

Můžeš mi prosím přeložit tento e-mail do angličtiny? Zákazník se ptá na termín dodání a na to,
jestli je možné platit převodem.

Včera večer se na dálnici u Brna stala nehoda tří aut. Policie na několik hodin uzavřela jeden
jízdní pruh a řidiči museli počítat se zdržením.
""",
    "uk": """
Завтра вранці ми вирушаємо рано, тож сьогодні ввечері треба спакувати валізи. До речі, твій паспорт
досі лежить у шухляді на кухні.

Добрий день, замовлення, яке я зробив минулого тижня, досі не надійшло, а номер для відстеження не
відображається в системі. Перевірте, будь ласка, статус моєї посилки.

Київ розташований на берегах Дніпра і є одним із найстаріших міст Східної Європи. Софійський собор і
Києво-Печерська лавра внесені до списку світової спадщини ЮНЕСКО.

Ця функція обчислює середнє значення чисел у списку, але якщо список порожній, виникає помилка
ділення на нуль. Щоб це виправити, спочатку перевір довжину списку.

Нараду перенесли на третю годину дня. Графіки в презентації треба оновити новими даними, а таблицю
бюджету ще раз перевірити перед тим, як надіслати її керівництву.

Що приготуємо сьогодні на вечерю? У холодильнику є трохи курятини, помідори та перець; можемо
запекти курку з овочами.

Після останнього оновлення застосунок зависає під час запуску. Я вже перезавантажив телефон, але
проблема залишається. Що порадите?
""",
    "el": """
Αύριο το πρωί φεύγουμε νωρίς, οπότε απόψε πρέπει να ετοιμάσουμε τις βαλίτσες. Παρεμπιπτόντως, το
διαβατήριό σου είναι ακόμα στο συρτάρι της κουζίνας.

Καλησπέρα, η παραγγελία που έκανα την προηγούμενη εβδομάδα δεν έχει φτάσει ακόμα και ο αριθμός
αποστολής δεν εμφανίζεται στο σύστημα. Μπορείτε να ελέγξετε την κατάσταση της παραγγελίας μου;

Η Αθήνα είναι μία από τις αρχαιότερες πόλεις του κόσμου. Η Ακρόπολη και ο Παρθενώνας προσελκύουν
κάθε χρόνο εκατομμύρια επισκέπτες από όλο τον κόσμο.

Αυτή η συνάρτηση υπολογίζει τον μέσο όρο των αριθμών της λίστας, αλλά όταν η λίστα είναι κενή
εμφανίζει σφάλμα διαίρεσης με το μηδέν. Για να το διορθώσεις, έλεγξε πρώτα το μήκος της λίστας.

Η σύσκεψη μετατέθηκε για τις τρεις το απόγευμα. Πρέπει να ενημερωθούν τα γραφήματα της παρουσίασης
με τα νέα στοιχεία και να ελεγχθεί ξανά ο πίνακας του προϋπολογισμού.

Τι θα μαγειρέψουμε απόψε; Στο ψυγείο έχει λίγο κοτόπουλο, ντομάτες και πιπεριές· ίσως φτιάξουμε
κοτόπουλο στο φούρνο με λαχανικά.

Μετά την τελευταία ενημέρωση η εφαρμογή κολλάει κατά την εκκίνηση. Έκανα ήδη επανεκκίνηση στο
κινητό, αλλά το πρόβλημα παραμένει. Τι μου προτείνετε;
""",
    "he": """
מחר בבוקר אנחנו יוצאים מוקדם, אז הערב צריך לארוז את המזוודות. דרך אגב, הדרכון שלך עדיין במגירה
במטבח, אל תשכח אותו.

שלום, ההזמנה שביצעתי בשבוע שעבר עדיין לא הגיעה, ומספר המעקב לא מופיע במערכת. תוכלו בבקשה לבדוק מה
מצב המשלוח שלי ולעדכן אותי?

ירושלים היא אחת הערים העתיקות בעולם, והעיר העתיקה שלה מחולקת לארבעה רבעים. בכל שנה מגיעים אליה
מיליוני מבקרים מכל רחבי העולם.

הפונקציה הזאת מחשבת את הממוצע של המספרים ברשימה, אבל כשהרשימה ריקה היא נכשלת בשגיאת חלוקה באפס. כדי
לתקן את זה, בדוק קודם את אורך הרשימה.

הישיבה נדחתה לשלוש אחר הצהריים. צריך לעדכן את הגרפים במצגת לפי הנתונים החדשים ולבדוק שוב את טבלת
התקציב לפני שהיא נשלחת להנהלה.

מה נבשל הערב? יש במקרר קצת עוף, עגבניות ופלפלים; אולי נכין עוף בתנור עם ירקות ואורז.

אחרי העדכון האחרון האפליקציה נתקעת בזמן הפתיחה. כבר הפעלתי מחדש את הטלפון, אבל הבעיה נמשכת. מה אתם
ממליצים לעשות?
""",
}

UNSEEN = {
    "ms": """
Esok pagi kita akan bertolak awal, jadi malam ini kita perlu mengemas beg pakaian. Oh ya, pasport
awak masih tertinggal di dalam laci dapur, jangan lupa bawa.

Selamat petang, barang yang saya tempah minggu lepas masih belum sampai dan nombor penjejakan tidak
kelihatan dalam sistem. Boleh tolong semak status penghantaran saya dan maklumkan kepada saya?

Kuala Lumpur ialah ibu negara Malaysia, manakala Putrajaya menjadi pusat pentadbiran kerajaan
persekutuan. Menara Berkembar Petronas pernah menjadi bangunan tertinggi di dunia.

Fungsi ini mengira purata nombor dalam senarai, tetapi ia menghasilkan ralat pembahagian dengan
sifar apabila senarai itu kosong. Untuk membetulkannya, semak dahulu panjang senarai tersebut.

Mesyuarat telah ditangguhkan ke pukul tiga petang. Carta dalam pembentangan perlu dikemas kini
dengan data terbaharu, dan jadual belanjawan mesti disemak sekali lagi sebelum dihantar kepada
pengurusan.

Kita nak masak apa malam ini? Dalam peti sejuk masih ada sedikit ayam, tomato dan lada benggala;
mungkin kita boleh buat ayam panggang dengan sayur-sayuran.

Selepas kemas kini terakhir, aplikasi itu tersekat setiap kali dibuka. Saya sudah memulakan semula
telefon, tetapi masalah itu masih berlaku. Apakah yang patut saya lakukan?
""",
    "tl": """
Bukas ng umaga ay aalis tayo nang maaga, kaya ngayong gabi ay kailangan na nating mag-impake ng mga
maleta. Nga pala, nasa drawer pa rin sa kusina ang pasaporte mo.

Magandang hapon po, hindi pa rin dumarating ang order na ginawa ko noong isang linggo at hindi
lumalabas sa sistema ang tracking number. Maaari po ba ninyong tingnan ang kalagayan ng aking
padala?

Ang Maynila ang kabisera ng Pilipinas at isa sa mga pinakamataong lungsod sa buong mundo. Tuwing
tag-ulan, madalas bumabaha sa maraming bahagi ng kalakhang lungsod.

Kinakalkula ng function na ito ang average ng mga numero sa listahan, ngunit nagkakaroon ito ng
error na paghahati sa zero kapag walang laman ang listahan. Para ayusin ito, suriin muna ang haba ng
listahan.

Inilipat ang pulong sa alas-tres ng hapon. Kailangang i-update ang mga tsart sa presentasyon gamit
ang bagong datos, at dapat suriing muli ang talahanayan ng badyet bago ito ipadala sa pamunuan.

Ano ang lulutuin natin mamayang gabi? May kaunting manok, kamatis at siling pula pa sa ref; baka
puwede tayong mag-ihaw ng manok kasama ang mga gulay.

Pagkatapos ng huling update, nagyeyelo ang app tuwing binubuksan ko ito. Ini-restart ko na ang
telepono pero nandiyan pa rin ang problema. Ano ang maipapayo ninyo?
""",
    "sv": """
Imorgon bitti åker vi tidigt, så ikväll måste vi packa väskorna. Förresten ligger ditt pass
fortfarande kvar i kökslådan, glöm inte att ta med det.

Hej, beställningen som jag gjorde förra veckan har ännu inte kommit fram och spårningsnumret syns
inte i systemet. Kan ni kontrollera vad som har hänt med mitt paket?

Stockholm är byggt på fjorton öar där Mälaren möter Östersjön. Gamla stan med sina smala gränder och
färgglada hus är en av de mest besökta platserna i staden.

Den här funktionen räknar ut medelvärdet av talen i listan, men den ger ett fel vid division med
noll när listan är tom. För att rätta det ska du först kontrollera listans längd.

Mötet har flyttats till klockan tre på eftermiddagen. Diagrammen i presentationen behöver uppdateras
med de nya siffrorna och budgettabellen måste granskas en gång till innan den skickas till
ledningen.

Vad ska vi laga till middag ikväll? Det finns lite kyckling, tomater och paprika i kylskåpet; vi
kanske kan göra en ugnsrätt med grönsaker och ris.

Efter den senaste uppdateringen hänger sig appen när den startar. Jag har redan startat om telefonen
men problemet kvarstår. Vad rekommenderar ni?
""",
    "fi": """
Huomenna aamulla lähdemme liikkeelle aikaisin, joten tänä iltana meidän täytyy pakata matkalaukut.
Muuten, passisi on yhä keittiön laatikossa, älä unohda sitä.

Hyvää päivää, viime viikolla tekemäni tilaus ei ole vieläkään saapunut, eikä seurantanumero näy
järjestelmässä. Voisitteko tarkistaa, missä lähetykseni on?

Helsinki on Suomen pääkaupunki, ja sitä ympäröi kolmelta suunnalta Itämeri. Suomenlinnan
merilinnoitus on ollut Unescon maailmanperintökohde vuodesta 1991.

Tämä funktio laskee listan lukujen keskiarvon, mutta tyhjällä listalla se kaatuu nollalla jakamisen
virheeseen. Korjataksesi sen tarkista ensin listan pituus.

Kokous siirrettiin kello kolmeen iltapäivällä. Esityksen kaaviot pitää päivittää uusilla luvuilla,
ja budjettitaulukko on tarkistettava vielä kerran ennen kuin se lähetetään johdolle.

Mitä laitetaan tänään illalliseksi? Jääkaapissa on vähän kanaa, tomaatteja ja paprikoita; voisimme
tehdä uunikanaa kasvisten kanssa.

Viimeisimmän päivityksen jälkeen sovellus jumittuu käynnistyessään. Käynnistin puhelimen jo
uudelleen, mutta ongelma jatkuu. Mitä suosittelette?
""",
    "ro": """
Mâine dimineață plecăm devreme, așa că diseară trebuie să facem bagajele. Apropo, pașaportul tău
este tot în sertarul din bucătărie, nu uita de el.

Bună ziua, comanda pe care am plasat-o săptămâna trecută nu a sosit încă, iar numărul de urmărire nu
apare în sistem. Ați putea verifica, vă rog, stadiul livrării mele?

Bucureștiul este capitala și cel mai mare oraș al României. Palatul Parlamentului, construit în anii
optzeci, este una dintre cele mai mari clădiri administrative din lume.

Această funcție calculează media numerelor din listă, dar dă o eroare de împărțire la zero atunci
când lista este goală. Ca să o corectezi, verifică mai întâi lungimea listei.

Ședința a fost mutată la ora trei după-amiaza. Graficele din prezentare trebuie actualizate cu
datele noi, iar tabelul bugetului trebuie verificat încă o dată înainte de a fi trimis conducerii.

Ce gătim în seara asta? În frigider mai este puțin pui, câteva roșii și ardei; am putea face pui la
cuptor cu legume.

După ultima actualizare, aplicația se blochează la pornire. Am repornit deja telefonul, dar problema
persistă. Ce îmi recomandați să fac?
""",
    "hu": """
Holnap reggel korán indulunk, ezért ma este be kell pakolnunk a bőröndöket. Egyébként az útleveled
még mindig a konyhai fiókban van, ne felejtsd el.

Jó napot, a múlt héten leadott rendelésem még mindig nem érkezett meg, és a nyomkövetési szám nem
jelenik meg a rendszerben. Megnéznék, kérem, hol tart a csomagom?

Budapestet a Duna két részre osztja: a dombos Budára és a sík Pestre. A Lánchíd volt az első állandó
híd, amely összekötötte a két városrészt.

Ez a függvény kiszámolja a lista számainak átlagát, de üres lista esetén nullával való osztás hibát
ad. A javításhoz először ellenőrizd a lista hosszát.

A megbeszélést áttették délután háromra. A prezentáció grafikonjait frissíteni kell az új adatokkal,
a költségvetési táblázatot pedig még egyszer át kell nézni, mielőtt elküldjük a vezetésnek.

Mit főzzünk ma vacsorára? A hűtőben van még egy kis csirke, paradicsom és paprika; talán süthetnénk
csirkét zöldségekkel.

A legutóbbi frissítés óta az alkalmazás indításkor lefagy. Már újraindítottam a telefont, de a
probléma továbbra is fennáll. Mit javasolnak?
""",
    "ca": """
Demà al matí marxem d'hora, així que aquesta nit hem de fer les maletes. Per cert, el teu passaport
encara és al calaix de la cuina, no te l'oblidis.

Bona tarda, la comanda que vaig fer la setmana passada encara no ha arribat i el número de seguiment
no apareix al sistema. Podríeu comprovar en quin estat es troba el meu enviament?

Barcelona és la capital de Catalunya i una de les ciutats més visitades d'Europa. La Sagrada
Família, començada el 1882, encara no s'ha acabat de construir.

Aquesta funció calcula la mitjana dels nombres de la llista, però dona un error de divisió per zero
quan la llista és buida. Per corregir-ho, comprova primer la llargada de la llista.

La reunió s'ha ajornat a les tres de la tarda. Cal actualitzar els gràfics de la presentació amb les
dades noves i revisar un cop més la taula del pressupost abans d'enviar-la a la direcció.

Què cuinem aquest vespre? A la nevera hi ha una mica de pollastre, tomàquets i pebrots; potser
podríem fer pollastre al forn amb verdures.

Després de l'última actualització, l'aplicació es bloqueja en obrir-se. Ja he reiniciat el telèfon,
però el problema continua. Què em recomaneu?
""",
    "da": """
I morgen tidlig tager vi af sted, så i aften skal vi pakke kufferterne. Forresten ligger dit pas
stadig i køkkenskuffen, så husk at tage det med.

Goddag, den bestilling, jeg afgav i sidste uge, er endnu ikke kommet frem, og sporingsnummeret vises
ikke i systemet. Kan I undersøge, hvad der er sket med min pakke?

København ligger på øerne Sjælland og Amager ved Øresund. Nyhavn med de farverige huse og de gamle
træskibe er et af byens mest fotograferede steder.

Denne funktion beregner gennemsnittet af tallene i listen, men den fejler med division med nul, når
listen er tom. For at rette det skal du først kontrollere listens længde.

Mødet er blevet flyttet til klokken tre om eftermiddagen. Graferne i præsentationen skal opdateres
med de nye tal, og budgettabellen skal gennemgås endnu en gang, før den sendes til ledelsen.

Hvad skal vi lave til aftensmad? Der er lidt kylling, tomater og peberfrugter i køleskabet; måske
kan vi lave kylling i ovnen med grøntsager.

Efter den seneste opdatering fryser appen, når den starter. Jeg har allerede genstartet telefonen,
men problemet fortsætter. Hvad anbefaler I?

Til foråret vil vi gerne renovere badeværelset. Vi skal bruge nye fliser, en bruseniche og en
håndvask, og håndværkeren regner med, at arbejdet tager omkring to uger.

Kan du oversætte denne e-mail til engelsk? Kunden spørger om leveringsdatoen, og om det er muligt at
betale med bankoverførsel.

I går aftes skete der et uheld med tre biler på motorvejen ved Aarhus. Politiet lukkede et vognspor
i flere timer, og bilisterne måtte regne med forsinkelser.
""",
    "hr": """
Sutra ujutro krećemo rano, pa večeras moramo spakirati kofere. Usput, tvoja putovnica je još uvijek
u ladici u kuhinji, nemoj je zaboraviti.

Dobar dan, narudžba koju sam napravio prošlog tjedna još nije stigla, a broj za praćenje ne
prikazuje se u sustavu. Možete li provjeriti u kojem je stanju moja pošiljka?

Dubrovnik je smješten na jugu Hrvatske, a njegove gradske zidine duge su gotovo dva kilometra. Stari
grad nalazi se na UNESCO-ovom popisu svjetske baštine.

Ova funkcija računa prosjek brojeva na popisu, ali kad je popis prazan javlja pogrešku dijeljenja s
nulom. Da to ispraviš, najprije provjeri duljinu popisa.

Sastanak je pomaknut na tri sata poslijepodne. Grafikone u prezentaciji treba ažurirati novim
podacima, a tablicu proračuna još jednom provjeriti prije slanja upravi.

Što ćemo kuhati večeras? U hladnjaku ima malo piletine, rajčica i paprika; možda možemo ispeći
piletinu s povrćem.

Nakon posljednjeg ažuriranja aplikacija se zamrzne pri pokretanju. Već sam ponovno pokrenuo mobitel,
ali problem i dalje postoji. Što mi preporučujete?
""",
    "fa": """
فردا صبح زود راه می‌افتیم، پس امشب باید چمدان‌ها را ببندیم. راستی، گذرنامه‌ات هنوز توی کشوی آشپزخانه
است، فراموشش نکن.

سلام، سفارشی که هفته گذشته ثبت کردم هنوز نرسیده و شماره پیگیری در سامانه نمایش داده نمی‌شود. لطفاً
وضعیت مرسوله من را بررسی کنید و به من خبر بدهید.

اصفهان یکی از زیباترین شهرهای ایران است و میدان نقش جهان آن در فهرست میراث جهانی یونسکو ثبت شده است.
پل‌های تاریخی روی زاینده‌رود هم گردشگران زیادی را جذب می‌کنند.

این تابع میانگین اعداد فهرست را حساب می‌کند، اما وقتی فهرست خالی باشد خطای تقسیم بر صفر می‌دهد. برای
رفع آن، اول طول فهرست را بررسی کن.

جلسه به ساعت سه بعدازظهر موکول شد. نمودارهای ارائه باید با داده‌های جدید به‌روز شوند و جدول بودجه
پیش از ارسال به مدیریت یک بار دیگر بررسی شود.

امشب برای شام چه بپزیم؟ در یخچال کمی مرغ، گوجه‌فرنگی و فلفل دلمه‌ای هست؛ شاید بتوانیم مرغ را با
سبزیجات در فر بپزیم.

بعد از آخرین به‌روزرسانی، برنامه هنگام باز شدن هنگ می‌کند. گوشی را دوباره راه‌اندازی کردم ولی مشکل
همچنان هست. چه پیشنهادی دارید؟
""",
}
