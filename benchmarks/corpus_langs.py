"""Hand-written short prose in many languages and scripts for the token-estimator corpus.

Each language holds a few short paragraphs (everyday requests, news, instructions, chat), the kind of text people
paste into a prompt.  Lines inside a paragraph are joined with ``JOIN`` (a space, or nothing for scripts written
without spaces); paragraphs are separated by blank lines.
"""

JOIN = {"ja": "", "zh": ""}

try:
    from benchmarks.corpus_north import NORTH
    from benchmarks.corpus_scripts import SCRIPTS
    from benchmarks.corpus_world import SEEN, UNSEEN
except ImportError:  # run as a script from benchmarks/
    from corpus_north import NORTH  # type: ignore[no-redef]
    from corpus_scripts import SCRIPTS  # type: ignore[no-redef]
    from corpus_world import SEEN, UNSEEN  # type: ignore[no-redef]

# Languages written in Latin letters; the other scripts are in corpus_scripts.py.
LATIN = {
    "tr": """
Yarın sabah erkenden yola çıkacağız, bu yüzden bu akşam bavulları hazırlamamız gerekiyor. Unutmadan söyleyeyim,
pasaportların hâlâ çekmecede duruyor.

Merhaba, geçen hafta sipariş ettiğim ürün henüz elime ulaşmadı. Kargo takip numarası sistemde görünmüyor; lütfen
siparişimin durumunu kontrol edip bana bilgi verir misiniz?

Türkiye'nin en kalabalık şehri olan İstanbul, Asya ile Avrupa'yı birbirine bağlayan Boğaz'ın iki yakasına
kurulmuştur. Şehir, yüzyıllar boyunca farklı imparatorlukların başkentliğini yapmıştır.

Bu fonksiyon, verilen listedeki sayıların ortalamasını hesaplıyor; ancak liste boş olduğunda sıfıra bölme hatası
veriyor. Bunu düzeltmek için önce listenin uzunluğunu kontrol etmelisin.

Toplantı saat üçe ertelendi. Sunumdaki grafiklerin güncel verilerle yenilenmesi ve bütçe tablosunun
müdürlüğe gönderilmeden önce bir kez daha gözden geçirilmesi gerekiyor.

Kışın dağ köylerinde hayat zorlaşır: yollar karla kapanır, elektrik sık sık kesilir ve çocuklar okula
gidebilmek için kilometrelerce yürümek zorunda kalır.

Bu akşam yemekte ne pişirelim? Buzdolabında biraz tavuk, domates ve biber var; belki fırında sebzeli tavuk yaparız.

Yeni güncellemeden sonra uygulama açılırken donuyor. Telefonu yeniden başlattım ama sorun devam ediyor, ne yapmamı
önerirsiniz?

Öğrencilerin sınav sonuçları cuma günü açıklanacak; itiraz etmek isteyenler dilekçelerini gelecek hafta içinde
teslim etmelidir.

Kiralık daire arıyoruz: iki yatak odalı, metroya yakın ve aylık kirası makul olsun. Evcil hayvanlara izin veren
ev sahipleri tercih sebebidir.

Dün akşamki maçta ev sahibi takım son dakikada attığı golle galibiyeti kurtardı ve taraftarlar sabaha kadar
sokaklarda kutlama yaptı.

Annemin doğum günü için küçük bir sürpriz parti hazırlıyoruz. Pastayı ben ısmarlayacağım, sen de davetiyeleri
gönderebilir misin?

Bankadan gelen mesajda hesabımın geçici olarak kilitlendiği yazıyor. Şifremi değiştirmek için hangi adımları
izlemem gerekiyor?

Doktor, ilacı günde iki kez yemeklerden sonra almamı ve bir hafta boyunca ağır egzersizlerden kaçınmamı söyledi.

Şirketimiz bu yıl yenilenebilir enerji yatırımlarını artırmayı planlıyor; güneş panelleri önümüzdeki ilkbaharda
fabrikanın çatısına kurulacak.

Çocuklar bahçede top oynarken komşunun penceresini kırdılar. Özür dilemeye gittiğimizde yaşlı adam gülümseyerek
bunun ilk kez olmadığını söyledi.

Lütfen bu metni daha resmî bir dille yeniden yazar mısın? Müşteriye gönderilecek ve yazım hatası olmamalı.
""",
    "es": """
Mañana salimos temprano, así que tenemos que hacer las maletas esta noche. Por cierto, tu pasaporte sigue en el
cajón de la cocina.

Hola, el pedido que hice la semana pasada todavía no ha llegado y el número de seguimiento no aparece en el
sistema. ¿Podrían revisar el estado de mi pedido y avisarme?

Madrid es la capital de España y su ciudad más poblada. Situada en el centro de la península, es conocida por
sus museos, como el Prado, y por su animada vida nocturna.

Esta función calcula la media de los números de la lista, pero falla con una división entre cero cuando la
lista está vacía. Para arreglarlo, comprueba primero la longitud de la lista.

La reunión se ha pasado a las tres. Hay que actualizar los gráficos de la presentación con los datos nuevos y
revisar otra vez la tabla del presupuesto antes de enviarla a la dirección.

En invierno la vida en los pueblos de montaña se vuelve difícil: la nieve corta las carreteras, la luz se va a
menudo y los niños tienen que caminar varios kilómetros para llegar a la escuela.

¿Qué cocinamos esta noche? En la nevera queda un poco de pollo, tomates y pimientos; podríamos hacer pollo al horno
con verduras.

Después de la última actualización la aplicación se congela al abrirse. Ya reinicié el teléfono pero el problema
sigue, ¿qué me recomiendan?

Los resultados de los exámenes se publicarán el viernes; quienes quieran reclamar deberán presentar su solicitud la
semana que viene.

Buscamos un piso de alquiler con dos dormitorios, cerca del metro y con un precio razonable. Se valorará que
admitan mascotas.

Estamos preparando una fiesta sorpresa para el cumpleaños de mi madre. Yo encargo la tarta; ¿puedes enviar tú las
invitaciones?

El médico me dijo que tomara el medicamento dos veces al día después de las comidas y que evitara el ejercicio
intenso durante una semana.

¿Podrías reescribir este texto con un tono más formal? Se lo vamos a enviar a un cliente y no puede tener faltas
de ortografía.
""",
    "vi": """
Sáng mai chúng ta đi sớm, nên tối nay phải xếp xong hành lý. À, hộ chiếu của bạn vẫn còn nằm trong ngăn kéo ở
bếp đấy.

Xin chào, đơn hàng tôi đặt tuần trước vẫn chưa đến và mã vận đơn không hiển thị trên hệ thống. Anh chị có thể
kiểm tra giúp tôi tình trạng đơn hàng được không?

Hà Nội là thủ đô của Việt Nam, nằm bên bờ sông Hồng. Thành phố nổi tiếng với khu phố cổ, hồ Hoàn Kiếm và những
món ăn đường phố như phở và bún chả.

Hàm này tính giá trị trung bình của các số trong danh sách, nhưng sẽ báo lỗi chia cho không khi danh sách
rỗng. Để sửa, hãy kiểm tra độ dài của danh sách trước.

Cuộc họp đã được dời sang ba giờ chiều. Cần cập nhật các biểu đồ trong bài thuyết trình bằng số liệu mới và xem
lại bảng ngân sách một lần nữa trước khi gửi cho ban giám đốc.

Vào mùa đông, cuộc sống ở các làng vùng núi trở nên vất vả: tuyết chặn đường, điện thường xuyên bị cắt và trẻ em
phải đi bộ nhiều cây số để đến trường.
""",
    "de": """
Morgen fahren wir früh los, also müssen wir heute Abend die Koffer packen. Übrigens liegt dein Reisepass immer
noch in der Küchenschublade.

Guten Tag, meine Bestellung von letzter Woche ist noch nicht angekommen, und die Sendungsnummer wird im System
nicht angezeigt. Könnten Sie bitte den Status meiner Bestellung prüfen?

Berlin ist die Hauptstadt Deutschlands und mit rund dreieinhalb Millionen Einwohnern die größte Stadt des
Landes. Bekannt ist sie für ihre Geschichte, ihre Museen und ihr lebendiges Nachtleben.

Diese Funktion berechnet den Durchschnitt der Zahlen in der Liste, bricht aber mit einer Division durch null ab,
wenn die Liste leer ist. Prüfe deshalb zuerst die Länge der Liste.

Die Besprechung wurde auf fünfzehn Uhr verschoben. Die Diagramme in der Präsentation müssen mit den neuen Zahlen
aktualisiert und die Budgettabelle vor dem Versand an die Geschäftsführung noch einmal geprüft werden.

Im Winter wird das Leben in den Bergdörfern beschwerlich: Schnee versperrt die Straßen, der Strom fällt häufig
aus, und die Kinder müssen mehrere Kilometer zu Fuß zur Schule gehen.

Was kochen wir heute Abend? Im Kühlschrank sind noch etwas Hähnchen, Tomaten und Paprika; vielleicht machen wir
Ofenhähnchen mit Gemüse.

Nach dem letzten Update friert die App beim Öffnen ein. Ich habe das Telefon neu gestartet, aber das Problem
besteht weiterhin.

Wir suchen eine Mietwohnung mit zwei Schlafzimmern in der Nähe der U-Bahn zu einem vernünftigen Preis. Haustiere
sollten erlaubt sein.
""",
    "fr": """
Demain, nous partons tôt, il faut donc faire les valises ce soir. D'ailleurs, ton passeport est toujours dans le
tiroir de la cuisine.

Bonjour, la commande que j'ai passée la semaine dernière n'est toujours pas arrivée et le numéro de suivi
n'apparaît pas dans le système. Pourriez-vous vérifier l'état de ma commande ?

Paris est la capitale de la France et sa plus grande ville. Traversée par la Seine, elle est célèbre pour la
tour Eiffel, le musée du Louvre et ses cafés où l'on refait le monde.

Cette fonction calcule la moyenne des nombres de la liste, mais elle plante avec une division par zéro quand la
liste est vide. Pour corriger cela, vérifie d'abord la longueur de la liste.

La réunion a été déplacée à quinze heures. Il faut mettre à jour les graphiques de la présentation avec les
nouveaux chiffres et relire le tableau du budget avant de l'envoyer à la direction.

En hiver, la vie dans les villages de montagne devient difficile : la neige coupe les routes, l'électricité
saute souvent et les enfants doivent marcher plusieurs kilomètres pour aller à l'école.

Qu'est-ce qu'on cuisine ce soir ? Il reste un peu de poulet, des tomates et des poivrons ; on pourrait faire du
poulet au four avec des légumes.

Depuis la dernière mise à jour, l'application se fige à l'ouverture. J'ai redémarré le téléphone mais le problème
persiste.
""",
    "pl": """
Jutro wyjeżdżamy wcześnie rano, więc walizki trzeba spakować dziś wieczorem. Przy okazji, twój paszport wciąż
leży w szufladzie w kuchni.

Dzień dobry, zamówienie złożone w zeszłym tygodniu jeszcze do mnie nie dotarło, a numer przesyłki nie pojawia się
w systemie. Czy mogliby Państwo sprawdzić status mojego zamówienia?

Warszawa jest stolicą Polski i największym miastem kraju. Leży nad Wisłą, a jej Stare Miasto, odbudowane po
wojnie, zostało wpisane na listę światowego dziedzictwa UNESCO.

Ta funkcja oblicza średnią liczb z listy, ale gdy lista jest pusta, kończy się błędem dzielenia przez zero.
Żeby to naprawić, najpierw sprawdź długość listy.

Spotkanie przełożono na piętnastą. Trzeba zaktualizować wykresy w prezentacji o nowe dane i jeszcze raz
przejrzeć tabelę budżetu, zanim zostanie wysłana do zarządu.

Zimą życie w górskich wioskach staje się trudne: śnieg zasypuje drogi, prąd często wyłączają, a dzieci muszą
iść do szkoły pieszo kilka kilometrów.

Co ugotujemy dziś wieczorem? W lodówce jest jeszcze trochę kurczaka, pomidory i papryka; może upieczemy kurczaka
z warzywami.

Po ostatniej aktualizacji aplikacja zawiesza się przy uruchamianiu. Zrestartowałem telefon, ale problem nadal
występuje.

Przygotowujemy przyjęcie niespodziankę na urodziny mojej mamy. Ja zamówię tort, a ty mógłbyś wysłać zaproszenia?

Lekarz kazał mi brać lek dwa razy dziennie po posiłku i przez tydzień unikać intensywnego wysiłku.

Czy możesz przepisać ten tekst bardziej oficjalnym językiem? Wyślemy go klientowi, więc nie może być w nim
błędów.
""",
    "pt": """
Amanhã saímos cedo, então precisamos fazer as malas hoje à noite. Aliás, o seu passaporte ainda está na gaveta
da cozinha.

Olá, o pedido que fiz na semana passada ainda não chegou e o código de rastreamento não aparece no sistema.
Vocês poderiam verificar a situação do meu pedido?

Lisboa é a capital de Portugal e fica na foz do rio Tejo. A cidade é conhecida pelos seus elétricos amarelos,
pelas colinas e pelos miradouros com vista para o rio.

Esta função calcula a média dos números da lista, mas dá erro de divisão por zero quando a lista está vazia.
Para corrigir, verifique primeiro o tamanho da lista.

A reunião foi adiada para as três da tarde. É preciso atualizar os gráficos da apresentação com os dados novos
e rever a tabela do orçamento antes de enviá-la à diretoria.

O que vamos cozinhar hoje à noite? Ainda há um pouco de frango, tomates e pimentões na geladeira; podemos fazer
frango assado com legumes.
""",
}
LANGS = {**LATIN, **SCRIPTS, **SEEN, **NORTH}  # fitted (on half their paragraphs) and measured on the other half
ALL = {**LANGS, **UNSEEN}  # UNSEEN: never fitted, measured whole


def paragraphs(lang: str) -> list[str]:
    """The short paragraphs of one language, each on one line."""
    joiner = JOIN.get(lang, " ")
    blocks = [b for b in ALL[lang].strip().split("\n\n") if b.strip()]
    return [joiner.join(line.strip() for line in block.splitlines()) for block in blocks]
