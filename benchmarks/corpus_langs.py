"""Hand-written short prose in many languages and scripts for the token-estimator corpus.

Each language holds a few short paragraphs (everyday requests, news, instructions, chat), the kind of text people
paste into a prompt.  Lines inside a paragraph are joined with ``JOIN`` (a space, or nothing for scripts written
without spaces); paragraphs are separated by blank lines.
"""

JOIN = {"ja": "", "zh": ""}

LANGS = {
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
""",
    "hi": """
कल सुबह हम जल्दी निकलेंगे, इसलिए आज रात ही सामान पैक कर लेना चाहिए। और हाँ, तुम्हारा पासपोर्ट अभी भी दराज़ में
पड़ा है।

नमस्ते, मैंने पिछले हफ़्ते जो सामान ऑर्डर किया था, वह अब तक नहीं पहुँचा है। कृपया मेरे ऑर्डर की स्थिति जाँचकर मुझे
जानकारी दें।

भारत की राजधानी नई दिल्ली है, लेकिन देश का सबसे बड़ा शहर मुंबई है। मुंबई को भारत की आर्थिक राजधानी भी कहा जाता है
क्योंकि यहाँ कई बड़ी कंपनियों के मुख्यालय हैं।

यह फ़ंक्शन सूची में दी गई संख्याओं का औसत निकालता है, लेकिन सूची खाली होने पर त्रुटि देता है। इसे ठीक करने के लिए
पहले सूची की लंबाई जाँच लें।

बैठक अब तीन बजे होगी। प्रस्तुति के सभी चार्ट नए आँकड़ों से अपडेट करने होंगे और बजट की तालिका प्रबंधक को भेजने से
पहले एक बार फिर देख लेनी होगी।

सर्दियों में पहाड़ी गाँवों का जीवन कठिन हो जाता है: रास्ते बर्फ़ से बंद हो जाते हैं, बिजली बार-बार जाती है और बच्चों को
स्कूल पहुँचने के लिए कई किलोमीटर पैदल चलना पड़ता है।
कृपया इस अनुच्छेद का अंग्रेज़ी में औपचारिक अनुवाद करें और मूल पाठ में दिए गए नाम और संख्याएँ वैसे ही रहने दें।

कंपनी की तिमाही आय ग्यारह प्रतिशत बढ़ी, जिसका मुख्य कारण यूरोप में सदस्यता व्यवसाय रहा, लेकिन परिचालन लागत
अनुमान से तेज़ी से बढ़ी।
""",
    "ja": """
明日の朝は早く出発するので、今夜のうちに荷物をまとめておきましょう。そういえば、パスポートがまだ引き出しに入った
ままですよ。

こんにちは。先週注文した商品がまだ届いていません。追跡番号もシステムに表示されないので、注文の状況を確認して
いただけますか。

東京は日本の首都であり、世界でも有数の大都市です。江戸時代には江戸と呼ばれ、徳川幕府の中心として栄えました。

この関数はリストの数値の平均を計算しますが、リストが空のときにゼロ除算のエラーになります。先にリストの長さを
確認するとよいでしょう。

会議は三時に変更になりました。資料のグラフを最新のデータに更新し、予算表は部長に送る前にもう一度見直して
ください。

冬になると山あいの村の暮らしは厳しくなります。道は雪で閉ざされ、停電もよく起こり、子どもたちは学校まで何キロも
歩かなければなりません。
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
""",
    "ar": """
سنغادر غدًا في الصباح الباكر، لذلك علينا أن نحزم الحقائب الليلة. وبالمناسبة، ما زال جواز سفرك في درج المطبخ.

مرحبًا، الطلب الذي قدمته الأسبوع الماضي لم يصل بعد، ورقم التتبع لا يظهر في النظام. هل يمكنكم التحقق من حالة
طلبي وإبلاغي؟

القاهرة هي عاصمة مصر وأكبر مدنها، وتقع على ضفاف نهر النيل. تشتهر المدينة بتاريخها العريق وأسواقها القديمة
وقربها من أهرامات الجيزة.

هذه الدالة تحسب متوسط الأرقام في القائمة، لكنها تعطي خطأ القسمة على صفر عندما تكون القائمة فارغة. لإصلاح ذلك،
تحقق أولًا من طول القائمة.

تم تأجيل الاجتماع إلى الساعة الثالثة. يجب تحديث الرسوم البيانية في العرض بالبيانات الجديدة ومراجعة جدول
الميزانية مرة أخرى قبل إرساله إلى الإدارة.

في الشتاء تصبح الحياة صعبة في القرى الجبلية: الثلج يغلق الطرق، والكهرباء تنقطع كثيرًا، والأطفال يمشون عدة
كيلومترات للوصول إلى المدرسة.
من فضلك ترجم هذه الفقرة إلى الإنجليزية بأسلوب رسمي، مع الحفاظ على الأسماء والأرقام كما هي في النص الأصلي.

ارتفعت إيرادات الشركة في الربع الأخير بنسبة أحد عشر بالمئة، مدفوعة بنمو الاشتراكات في أوروبا، لكن التكاليف
التشغيلية زادت بوتيرة أسرع من المتوقع.
""",
    "ru": """
Завтра мы выезжаем рано утром, поэтому чемоданы нужно собрать сегодня вечером. Кстати, твой паспорт до сих пор
лежит в ящике на кухне.

Здравствуйте! Заказ, который я оформил на прошлой неделе, до сих пор не пришёл, а номер отслеживания не
отображается в системе. Проверьте, пожалуйста, статус моего заказа.

Москва — столица России и крупнейший город страны. Она расположена на реке Москве и известна Красной площадью,
Кремлём и одним из самых загруженных метрополитенов в мире.

Эта функция считает среднее значение чисел в списке, но падает с ошибкой деления на ноль, если список пуст.
Чтобы это исправить, сначала проверь длину списка.

Совещание перенесли на три часа. Нужно обновить графики в презентации новыми данными и ещё раз проверить
таблицу бюджета, прежде чем отправлять её руководству.

Зимой жизнь в горных деревнях становится трудной: снег заносит дороги, электричество часто отключают, а детям
приходится идти в школу несколько километров пешком.
""",
    "ko": """
내일 아침 일찍 출발하니까 오늘 밤에 짐을 싸 두자. 그런데 네 여권이 아직 부엌 서랍 안에 있어.

안녕하세요. 지난주에 주문한 상품이 아직 도착하지 않았고 운송장 번호도 시스템에 나오지 않습니다. 주문 상태를
확인해 주실 수 있을까요?

서울은 대한민국의 수도이자 가장 큰 도시입니다. 한강이 도시를 가로질러 흐르며, 오래된 궁궐과 현대적인 고층
건물이 함께 어우러져 있습니다.

이 함수는 리스트에 있는 숫자들의 평균을 계산하지만, 리스트가 비어 있으면 0으로 나누기 오류가 발생합니다.
먼저 리스트의 길이를 확인하세요.

회의가 세 시로 변경되었습니다. 발표 자료의 그래프를 최신 데이터로 바꾸고, 예산표는 부장님께 보내기 전에 한 번
더 검토해 주세요.

겨울이 되면 산골 마을의 생활은 힘들어집니다. 눈 때문에 길이 막히고 전기도 자주 끊기며, 아이들은 학교까지 몇
킬로미터를 걸어가야 합니다.
""",
    "th": """
พรุ่งนี้เราจะออกเดินทางแต่เช้า คืนนี้จึงต้องจัดกระเป๋าให้เสร็จ อ้อ
หนังสือเดินทางของคุณยังอยู่ในลิ้นชักในครัวนะ

สวัสดีครับ สินค้าที่ผมสั่งเมื่อสัปดาห์ที่แล้วยังไม่มาถึง และเลขพัสดุก็ไม่แสดงในระบบ
รบกวนช่วยตรวจสอบสถานะคำสั่งซื้อให้หน่อยได้ไหมครับ

กรุงเทพมหานครเป็นเมืองหลวงและเมืองที่ใหญ่ที่สุดของประเทศไทย ตั้งอยู่ริมแม่น้ำเจ้าพระยา
และมีชื่อเสียงด้านวัดวาอาราม อาหารริมทาง และการจราจรที่ติดขัด

ฟังก์ชันนี้คำนวณค่าเฉลี่ยของตัวเลขในรายการ แต่จะเกิดข้อผิดพลาดหารด้วยศูนย์เมื่อรายการว่าง
ควรตรวจสอบความยาวของรายการก่อน

การประชุมเลื่อนไปเป็นบ่ายสามโมง ต้องอัปเดตกราฟในงานนำเสนอด้วยข้อมูลใหม่
และตรวจตารางงบประมาณอีกครั้งก่อนส่งให้ผู้บริหาร

ในฤดูหนาว ชีวิตในหมู่บ้านบนภูเขาจะยากลำบาก ถนนถูกปิดเพราะหิมะ ไฟฟ้าดับบ่อย
และเด็ก ๆ ต้องเดินหลายกิโลเมตรเพื่อไปโรงเรียน
กรุณาแปลย่อหน้านี้เป็นภาษาอังกฤษด้วยภาษาที่เป็นทางการ และคงชื่อเฉพาะกับตัวเลขไว้ตามต้นฉบับ

รายได้รายไตรมาสของบริษัทเพิ่มขึ้นร้อยละสิบเอ็ด ส่วนใหญ่มาจากธุรกิจสมาชิกในยุโรป
แต่ต้นทุนการดำเนินงานสูงขึ้นเร็วกว่าที่คาดไว้
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
""",
    "zh": """
明天一早我们就要出发，所以今晚得把行李收拾好。对了，你的护照还在厨房的抽屉里。

你好，我上周下的订单到现在还没有收到，系统里也查不到物流单号。能麻烦你们帮我查一下订单的状态吗？

北京是中国的首都，有三千多年的建城史。故宫、长城和天坛每年都吸引着来自世界各地的游客。

这个函数计算列表中数字的平均值，但列表为空时会出现除以零的错误。可以先检查列表的长度再计算。

会议改到下午三点了。演示文稿里的图表需要用新数据更新，预算表在发给经理之前也要再检查一遍。
冬天山里的村子生活很艰难：大雪封路，经常停电，孩子们要走好几公里路才能到学校。

请把这段英文翻译成中文，语气要正式一些，并且保留原文中的专有名词和数字。

我们的季度收入增长了百分之十一，主要来自欧洲的订阅业务。不过运营成本上升得比预期快，董事会要求管理层在下次会议前提交新的招聘计划。

如果你看到这条消息，说明数据迁移已经顺利完成。请检查你的设置是否正确，并在两周内告诉我们是否有内容丢失。
""",
}


def paragraphs(lang: str) -> list[str]:
    """The short paragraphs of one language, each on one line."""
    joiner = JOIN.get(lang, " ")
    blocks = [b for b in LANGS[lang].strip().split("\n\n") if b.strip()]
    return [joiner.join(line.strip() for line in block.splitlines()) for block in blocks]
