<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="ar">
<context>
    <name>BorderGaps</name>
    <message>
        <source>Add border-region layers</source>
        <translation>إضافة طبقات منطقة الحدود</translation>
    </message>
    <message>
        <source>Add the styled Iraq–Syria border-region layers to the project</source>
        <translation>إضافة طبقات منطقة الحدود العراقية السورية المنسقة إلى المشروع</translation>
    </message>
    <message>
        <source>Border region</source>
        <translation>منطقة الحدود</translation>
    </message>
    <message>
        <source>Show or hide the Border region dock: search and filter villages and crossings</source>
        <translation>إظهار أو إخفاء لوحة منطقة الحدود: البحث في القرى والمعابر وتصفيتها</translation>
    </message>
    <message>
        <source>Could not add the border-region layers: {}</source>
        <translation>تعذّرت إضافة طبقات منطقة الحدود: {}</translation>
    </message>
    <message>
        <source>Gap analysis</source>
        <translation>تحليل الثغرات</translation>
    </message>
    <message>
        <source>Coverage</source>
        <translation>التغطية</translation>
    </message>
    <message>
        <source>Corridors</source>
        <translation>الممرات</translation>
    </message>
    <message>
        <source>Maps</source>
        <translation>الخرائط</translation>
    </message>
    <message>
        <source>Unmonitored gap zones</source>
        <translation>مناطق الثغرات غير المراقَبة</translation>
    </message>
    <message>
        <source>Seam between two forces</source>
        <translation>منطقة التماس بين قوتين</translation>
    </message>
    <message>
        <source>Border distance bands</source>
        <translation>نطاقات المسافة من الحدود</translation>
    </message>
    <message>
        <source>Coverage from posts</source>
        <translation>التغطية من المخافر</translation>
    </message>
    <message>
        <source>Choose new post sites</source>
        <translation>اختيار مواقع مخافر جديدة</translation>
    </message>
    <message>
        <source>Crossing corridors</source>
        <translation>ممرات العبور</translation>
    </message>
    <message>
        <source>Export gap map (PDF/PNG)</source>
        <translation>تصدير خريطة الثغرات (PDF/PNG)</translation>
    </message>
    <message>
        <source>Any district</source>
        <translation>أي قضاء</translation>
    </message>
    <message>
        <source>Any governorate</source>
        <translation>أي محافظة</translation>
    </message>
    <message>
        <source>Any status</source>
        <translation>أي حالة</translation>
    </message>
    <message>
        <source>Border Gaps: reading {}</source>
        <translation>Border Gaps: جارٍ قراءة {}</translation>
    </message>
    <message>
        <source>Both sides</source>
        <translation>كلا الجانبين</translation>
    </message>
    <message>
        <source>Bundled {}</source>
        <translation>المضمَّنة: {}</translation>
    </message>
    <message>
        <source>Bundled {} unavailable: {}</source>
        <translation>البيانات المضمَّنة ({}) غير متاحة: {}</translation>
    </message>
    <message>
        <source>CSV files (*.csv)</source>
        <translation>ملفات CSV (*.csv)</translation>
    </message>
    <message>
        <source>Change between dated control maps</source>
        <translation>التغيّر بين خرائط السيطرة المؤرَّخة</translation>
    </message>
    <message>
        <source>Coordination</source>
        <translation>التنسيق</translation>
    </message>
    <message>
        <source>Could not write {}: {}</source>
        <translation>تعذّرت كتابة {}: {}</translation>
    </message>
    <message>
        <source>Drone sorties over the gaps</source>
        <translation>طلعات الطائرات المسيّرة فوق الثغرات</translation>
    </message>
    <message>
        <source>Export list</source>
        <translation>تصدير القائمة</translation>
    </message>
    <message>
        <source>Fields of {}</source>
        <translation>حقول {}</translation>
    </message>
    <message>
        <source>Finding features inside {}…</source>
        <translation>جارٍ البحث عن المعالم داخل {}…</translation>
    </message>
    <message>
        <source>Gap zones through the day</source>
        <translation>مناطق الثغرات على مدار اليوم</translation>
    </message>
    <message>
        <source>GeoPackage (*.gpkg)</source>
        <translation>ملفات GeoPackage (*.gpkg)</translation>
    </message>
    <message>
        <source>Import settlements from a gazetteer</source>
        <translation>استيراد التجمعات السكانية من معجم جغرافي</translation>
    </message>
    <message>
        <source>Imported settlements: {}</source>
        <translation>التجمعات السكانية المستوردة: {}</translation>
    </message>
    <message>
        <source>Iraq</source>
        <translation>العراق</translation>
    </message>
    <message>
        <source>Reading {}…</source>
        <translation>جارٍ قراءة {}…</translation>
    </message>
    <message>
        <source>Syria</source>
        <translation>سوريا</translation>
    </message>
    <message>
        <source>To CSV file…</source>
        <translation>إلى ملف CSV…</translation>
    </message>
    <message>
        <source>To a GeoPackage…</source>
        <translation>إلى ملف GeoPackage…</translation>
    </message>
    <message>
        <source>To a new layer</source>
        <translation>إلى طبقة جديدة</translation>
    </message>
    <message>
        <source>Which field holds each value? Leave a role empty if the layer has none.</source>
        <translation>أيّ حقل يحمل كل قيمة؟ اترك الدور فارغاً إن لم يكن في الطبقة.</translation>
    </message>
    <message>
        <source>Who answers for each gap</source>
        <translation>من يستجيب لكل ثغرة</translation>
    </message>
    <message>
        <source>Wrote {} rows to {}</source>
        <translation>كُتب {} صفاً إلى {}</translation>
    </message>
    <message>
        <source>{} (Border region list)</source>
        <translation>{} (قائمة منطقة الحدود)</translation>
    </message>
    <message>
        <source>{} of {} shown</source>
        <translation>معروض {} من {}</translation>
    </message>
    <message>
        <source>Incidents against gap zones</source>
        <translation>الحوادث مقارنةً بمناطق الثغرات</translation>
    </message>
    <message>
        <source>Export gap atlas (PDF/GeoPDF, a page per gap)</source>
        <translation>تصدير أطلس الثغرات (PDF/GeoPDF، صفحة لكل ثغرة)</translation>
    </message>
    <message>
        <source>Export for field devices (KMZ, GPX)</source>
        <translation>تصدير للأجهزة الميدانية (KMZ، GPX)</translation>
    </message>
    <message>
        <source>Border line (empty: bundled Iraq–Syria border)</source>
        <translation>خط الحدود (فارغ: الحدود العراقية السورية المضمَّنة)</translation>
    </message>
    <message>
        <source>Country polygons (empty: bundled countries)</source>
        <translation>مضلعات الدول (فارغ: الدول المضمَّنة)</translation>
    </message>
    <message>
        <source>Country code field</source>
        <translation>حقل رمز الدولة</translation>
    </message>
    <message>
        <source>Iraqi bands (km, e.g. 10-25 or 0-5,5-10)</source>
        <translation>النطاقات العراقية (km، مثل 10-25 أو 0-5,5-10)</translation>
    </message>
    <message>
        <source>Syrian bands (km, e.g. 2-10)</source>
        <translation>النطاقات السورية (km، مثل 2-10)</translation>
    </message>
    <message>
        <source>Border bands</source>
        <translation>نطاقات المسافة من الحدود</translation>
    </message>
    <message>
        <source>Control areas (districts held by each force)</source>
        <translation>مناطق السيطرة (الأقضية التي تسيطر عليها كل قوة)</translation>
    </message>
    <message>
        <source>Force field</source>
        <translation>حقل القوة</translation>
    </message>
    <message>
        <source>Force A value(s), comma-separated</source>
        <translation>قيمة (قيم) القوة A، مفصولة بفواصل</translation>
    </message>
    <message>
        <source>Force B value(s), comma-separated</source>
        <translation>قيمة (قيم) القوة B، مفصولة بفواصل</translation>
    </message>
    <message>
        <source>District name field</source>
        <translation>حقل اسم القضاء</translation>
    </message>
    <message>
        <source>Seam distance</source>
        <translation>مسافة التماس</translation>
    </message>
    <message>
        <source>Coverage polygons (posts, patrols, cameras, drones)</source>
        <translation>مضلعات التغطية (المخافر، الدوريات، الكاميرات، الطائرات المسيّرة)</translation>
    </message>
    <message>
        <source>Posts</source>
        <translation>المخافر</translation>
    </message>
    <message>
        <source>Post range field (m)</source>
        <translation>حقل مدى المخفر (m)</translation>
    </message>
    <message>
        <source>Default post range</source>
        <translation>المدى الافتراضي للمخفر</translation>
    </message>
    <message>
        <source>Gaps in</source>
        <translation>الثغرات في</translation>
    </message>
    <message>
        <source>Minimum gap area (m²)</source>
        <translation>الحد الأدنى لمساحة الثغرة (m²)</translation>
    </message>
    <message>
        <source>Study area</source>
        <translation>منطقة الدراسة</translation>
    </message>
    <message>
        <source>Settlements</source>
        <translation>التجمعات السكانية</translation>
    </message>
    <message>
        <source>Border line</source>
        <translation>خط الحدود</translation>
    </message>
    <message>
        <source>Control areas at the later date</source>
        <translation>مناطق السيطرة في التاريخ اللاحق</translation>
    </message>
    <message>
        <source>Date field (dated snapshots)</source>
        <translation>حقل التاريخ (لقطات مؤرَّخة)</translation>
    </message>
    <message>
        <source>Earlier date (YYYY-MM-DD)</source>
        <translation>التاريخ الأسبق (YYYY-MM-DD)</translation>
    </message>
    <message>
        <source>Later date (YYYY-MM-DD)</source>
        <translation>التاريخ اللاحق (YYYY-MM-DD)</translation>
    </message>
    <message>
        <source>Districts that changed hands</source>
        <translation>الأقضية التي انتقلت السيطرة عليها</translation>
    </message>
    <message>
        <source>Seam at each date</source>
        <translation>منطقة التماس في كل تاريخ</translation>
    </message>
    <message>
        <source>Gap change (opened, closed, persisted)</source>
        <translation>تغيّر الثغرات (مستجدّة، مُغلَقة، مستمرة)</translation>
    </message>
    <message>
        <source>Gap zones at each date</source>
        <translation>مناطق الثغرات في كل تاريخ</translation>
    </message>
    <message>
        <source>Gap zones</source>
        <translation>مناطق الثغرات</translation>
    </message>
    <message>
        <source>Post name field</source>
        <translation>حقل اسم المخفر</translation>
    </message>
    <message>
        <source>Off-road speed (km/h)</source>
        <translation>السرعة خارج الطرق (km/h)</translation>
    </message>
    <message>
        <source>Roads and tracks</source>
        <translation>الطرق والمسالك</translation>
    </message>
    <message>
        <source>Road speed (km/h)</source>
        <translation>السرعة على الطرق (km/h)</translation>
    </message>
    <message>
        <source>Elevation model (DEM)</source>
        <translation>نموذج الارتفاعات الرقمي (DEM)</translation>
    </message>
    <message>
        <source>Cell size</source>
        <translation>حجم الخلية</translation>
    </message>
    <message>
        <source>Maximum response time (minutes)</source>
        <translation>أقصى زمن للاستجابة (بالدقائق)</translation>
    </message>
    <message>
        <source>Maximum grid cells</source>
        <translation>الحد الأقصى لعدد خلايا الشبكة</translation>
    </message>
    <message>
        <source>Gap response</source>
        <translation>الاستجابة للثغرات</translation>
    </message>
    <message>
        <source>Responsibility areas</source>
        <translation>مناطق المسؤولية</translation>
    </message>
    <message>
        <source>Handover line</source>
        <translation>خط تسليم المسؤولية</translation>
    </message>
    <message>
        <source>Links between posts</source>
        <translation>الروابط بين المخافر</translation>
    </message>
    <message>
        <source>Origins (Syrian side)</source>
        <translation>نقاط الانطلاق (الجانب السوري)</translation>
    </message>
    <message>
        <source>Origin name field</source>
        <translation>حقل اسم نقطة الانطلاق</translation>
    </message>
    <message>
        <source>Destinations (Iraqi side)</source>
        <translation>الوجهات (الجانب العراقي)</translation>
    </message>
    <message>
        <source>Destination name field</source>
        <translation>حقل اسم الوجهة</translation>
    </message>
    <message>
        <source>Routes per destination (K)</source>
        <translation>عدد المسارات لكل وجهة (K)</translation>
    </message>
    <message>
        <source>Coverage polygons</source>
        <translation>مضلعات التغطية</translation>
    </message>
    <message>
        <source>Inside coverage</source>
        <translation>داخل التغطية</translation>
    </message>
    <message>
        <source>Detection factor</source>
        <translation>معامل الكشف</translation>
    </message>
    <message>
        <source>Road factor</source>
        <translation>معامل الطرق</translation>
    </message>
    <message>
        <source>Gap factor</source>
        <translation>معامل الثغرات</translation>
    </message>
    <message>
        <source>Countries</source>
        <translation>الدول</translation>
    </message>
    <message>
        <source>Country name field</source>
        <translation>حقل اسم الدولة</translation>
    </message>
    <message>
        <source>Origin country</source>
        <translation>دولة الانطلاق</translation>
    </message>
    <message>
        <source>Destination country</source>
        <translation>دولة الوجهة</translation>
    </message>
    <message>
        <source>Limit the grid to this extent</source>
        <translation>حصر الشبكة ضمن هذا الامتداد</translation>
    </message>
    <message>
        <source>Margin around the points</source>
        <translation>الهامش حول النقاط</translation>
    </message>
    <message>
        <source>Number of pinch points</source>
        <translation>عدد نقاط الاختناق</translation>
    </message>
    <message>
        <source>Pinch point spacing</source>
        <translation>التباعد بين نقاط الاختناق</translation>
    </message>
    <message>
        <source>Routes</source>
        <translation>المسارات</translation>
    </message>
    <message>
        <source>Corridor density</source>
        <translation>كثافة الممرات</translation>
    </message>
    <message>
        <source>Pinch points</source>
        <translation>نقاط الاختناق</translation>
    </message>
    <message>
        <source>Launch bases</source>
        <translation>قواعد الإطلاق</translation>
    </message>
    <message>
        <source>Base name field</source>
        <translation>حقل اسم القاعدة</translation>
    </message>
    <message>
        <source>Endurance: flight path per sortie, out and back (km)</source>
        <translation>مدى التحمّل: مسار الطيران لكل طلعة ذهاباً وإياباً (km)</translation>
    </message>
    <message>
        <source>Swath width the sensor watches</source>
        <translation>عرض الشريط الذي يرصده المستشعر</translation>
    </message>
    <message>
        <source>Sorties to plan in all</source>
        <translation>إجمالي الطلعات المراد تخطيطها</translation>
    </message>
    <message>
        <source>Most sorties from one base (0 = no limit)</source>
        <translation>أقصى عدد للطلعات من قاعدة واحدة (0 = بلا حد)</translation>
    </message>
    <message>
        <source>No-fly zones</source>
        <translation>مناطق حظر الطيران</translation>
    </message>
    <message>
        <source>Stay on the bases' side of the border (bundled countries)</source>
        <translation>البقاء في جانب القواعد من الحدود (الدول المضمَّنة)</translation>
    </message>
    <message>
        <source>Weight of a gap</source>
        <translation>وزن الثغرة</translation>
    </message>
    <message>
        <source>Cruise speed (km/h)</source>
        <translation>سرعة التطواف (km/h)</translation>
    </message>
    <message>
        <source>Sorties</source>
        <translation>الطلعات</translation>
    </message>
    <message>
        <source>Survey lanes</source>
        <translation>مسارات المسح</translation>
    </message>
    <message>
        <source>Surveyed</source>
        <translation>المناطق الممسوحة</translation>
    </message>
    <message>
        <source>Extra layers (control areas, coverage, posts)</source>
        <translation>طبقات إضافية (مناطق السيطرة، التغطية، المخافر)</translation>
    </message>
    <message>
        <source>Title</source>
        <translation>العنوان</translation>
    </message>
    <message>
        <source>Subtitle</source>
        <translation>العنوان الفرعي</translation>
    </message>
    <message>
        <source>Page</source>
        <translation>الصفحة</translation>
    </message>
    <message>
        <source>Resolution (dpi)</source>
        <translation>الدقة (dpi)</translation>
    </message>
    <message>
        <source>Order the gaps by</source>
        <translation>ترتيب الثغرات حسب</translation>
    </message>
    <message>
        <source>Pages for the first N gaps (0 = all)</source>
        <translation>صفحات لأول N من الثغرات (0 = الكل)</translation>
    </message>
    <message>
        <source>Add the border-region layers</source>
        <translation>إضافة طبقات منطقة الحدود</translation>
    </message>
    <message>
        <source>Gap Response</source>
        <translation>الاستجابة للثغرات</translation>
    </message>
    <message>
        <source>Handover</source>
        <translation>خط تسليم المسؤولية</translation>
    </message>
    <message>
        <source>Links</source>
        <translation>الروابط</translation>
    </message>
    <message>
        <source>Lanes</source>
        <translation>مسارات المسح</translation>
    </message>
    <message>
        <source>Gap Incidents</source>
        <translation>حوادث الثغرات</translation>
    </message>
    <message>
        <source>Hotspot Areas</source>
        <translation>مناطق البؤر الساخنة</translation>
    </message>
    <message>
        <source>GeoPDF (georeferenced, layers switchable)</source>
        <translation>GeoPDF (مُسنَد جغرافياً، مع طبقات يمكن إظهارها وإخفاؤها)</translation>
    </message>
    <message>
        <source>Atlas as PDF</source>
        <translation>الأطلس بصيغة PDF</translation>
    </message>
    <message>
        <source>Border crossings</source>
        <translation>المعابر الحدودية</translation>
    </message>
    <message>
        <source>Drone sorties</source>
        <translation>طلعات الطائرات المسيّرة</translation>
    </message>
    <message>
        <source>Use the bundled crossings and settlements</source>
        <translation>استخدام المعابر والتجمعات السكانية المضمَّنة</translation>
    </message>
    <message>
        <source>Crossings and settlements within (m)</source>
        <translation>المعابر والتجمعات السكانية ضمن مسافة (m)</translation>
    </message>
    <message>
        <source>Simplify to (m)</source>
        <translation>التبسيط بتسامح (m)</translation>
    </message>
    <message>
        <source>KMZ</source>
        <translation>ملف KMZ</translation>
    </message>
    <message>
        <source>GPX</source>
        <translation>ملف GPX</translation>
    </message>
    <message>
        <source>Order the gap table by</source>
        <translation>ترتيب جدول الثغرات حسب</translation>
    </message>
    <message>
        <source>Note on the map</source>
        <translation>ملاحظة على الخريطة</translation>
    </message>
    <message>
        <source>Map as PDF</source>
        <translation>الخريطة بصيغة PDF</translation>
    </message>
    <message>
        <source>Map as PNG</source>
        <translation>الخريطة بصيغة PNG</translation>
    </message>
    <message>
        <source>Field with the start of each window</source>
        <translation>حقل بداية كل فترة مراقبة</translation>
    </message>
    <message>
        <source>Field with the end of each window</source>
        <translation>حقل نهاية كل فترة مراقبة</translation>
    </message>
    <message>
        <source>Field with the sensor kind (day, night, any)</source>
        <translation>حقل نوع المستشعر (day, night, any)</translation>
    </message>
    <message>
        <source>Daylight from (HH:MM)</source>
        <translation>بداية النهار (HH:MM)</translation>
    </message>
    <message>
        <source>Daylight until (HH:MM)</source>
        <translation>نهاية النهار (HH:MM)</translation>
    </message>
    <message>
        <source>Time slice (minutes)</source>
        <translation>الشريحة الزمنية (بالدقائق)</translation>
    </message>
    <message>
        <source>Reference date</source>
        <translation>التاريخ المرجعي</translation>
    </message>
    <message>
        <source>Gap zones by time slice</source>
        <translation>مناطق الثغرات حسب الشريحة الزمنية</translation>
    </message>
    <message>
        <source>Unwatched hours per day</source>
        <translation>ساعات انعدام المراقبة في اليوم</translation>
    </message>
    <message>
        <source>Never watched (gap at every hour)</source>
        <translation>غير مراقَبة إطلاقاً (ثغرة في كل ساعة)</translation>
    </message>
    <message>
        <source>Gap area per slice (CSV)</source>
        <translation>مساحة الثغرات لكل شريحة (CSV)</translation>
    </message>
    <message>
        <source>Gazetteer files (GeoNames, GNS, OSM, CSV)</source>
        <translation>ملفات المعجم الجغرافي (GeoNames، GNS، OSM، CSV)</translation>
    </message>
    <message>
        <source>File format</source>
        <translation>صيغة الملف</translation>
    </message>
    <message>
        <source>GeoNames alternate names (alternateNamesV2)</source>
        <translation>الأسماء البديلة من GeoNames ‏(alternateNamesV2)</translation>
    </message>
    <message>
        <source>Point layers</source>
        <translation>طبقات النقاط</translation>
    </message>
    <message>
        <source>Name field</source>
        <translation>حقل الاسم</translation>
    </message>
    <message>
        <source>Arabic name field</source>
        <translation>حقل الاسم العربي</translation>
    </message>
    <message>
        <source>Alternate names field (';'-separated)</source>
        <translation>حقل الأسماء البديلة (مفصولة بـ ';')</translation>
    </message>
    <message>
        <source>Status field</source>
        <translation>حقل الحالة</translation>
    </message>
    <message>
        <source>Population field</source>
        <translation>حقل عدد السكان</translation>
    </message>
    <message>
        <source>Kind field</source>
        <translation>حقل النوع</translation>
    </message>
    <message>
        <source>Country field (IQ/SY)</source>
        <translation>حقل الدولة (IQ/SY)</translation>
    </message>
    <message>
        <source>Identifier field</source>
        <translation>حقل المعرِّف</translation>
    </message>
    <message>
        <source>Longitude column (CSV)</source>
        <translation>عمود خط الطول (CSV)</translation>
    </message>
    <message>
        <source>Latitude column (CSV)</source>
        <translation>عمود خط العرض (CSV)</translation>
    </message>
    <message>
        <source>Status values</source>
        <translation>قيم الحالة</translation>
    </message>
    <message>
        <source>Keep places within (of the border)</source>
        <translation>الإبقاء على الأماكن ضمن مسافة (من الحدود)</translation>
    </message>
    <message>
        <source>Merge records of one name within</source>
        <translation>دمج سجلات الاسم الواحد ضمن مسافة</translation>
    </message>
    <message>
        <source>Merge the bundled settlements in</source>
        <translation>دمج التجمعات السكانية المضمَّنة</translation>
    </message>
    <message>
        <source>Incidents (points, or an ACLED export)</source>
        <translation>الحوادث (نقاط، أو ملف مُصدَّر من ACLED)</translation>
    </message>
    <message>
        <source>Date field</source>
        <translation>حقل التاريخ</translation>
    </message>
    <message>
        <source>Type field</source>
        <translation>حقل نوع الحادثة</translation>
    </message>
    <message>
        <source>Fatalities (weight) field</source>
        <translation>حقل عدد القتلى (الوزن)</translation>
    </message>
    <message>
        <source>Incident types (comma-separated)</source>
        <translation>أنواع الحوادث (مفصولة بفواصل)</translation>
    </message>
    <message>
        <source>From date</source>
        <translation>من تاريخ</translation>
    </message>
    <message>
        <source>To date</source>
        <translation>إلى تاريخ</translation>
    </message>
    <message>
        <source>Largest ACLED geo_precision kept</source>
        <translation>أكبر قيمة لـ geo_precision في ACLED يُحتفَظ بها</translation>
    </message>
    <message>
        <source>Seam (optional)</source>
        <translation>منطقة التماس (اختياري)</translation>
    </message>
    <message>
        <source>Study area buffer (m)</source>
        <translation>النطاق العازل حول منطقة الدراسة (m)</translation>
    </message>
    <message>
        <source>Abandoned villages (optional)</source>
        <translation>القرى المهجورة (اختياري)</translation>
    </message>
    <message>
        <source>Kernel bandwidth (m)</source>
        <translation>عرض نطاق النواة (m)</translation>
    </message>
    <message>
        <source>Density cell size (m)</source>
        <translation>حجم خلية الكثافة (m)</translation>
    </message>
    <message>
        <source>Hot spots: densest share of the study area (%)</source>
        <translation>البؤر الساخنة: الجزء الأكثف من منطقة الدراسة (%)</translation>
    </message>
    <message>
        <source>Gaps with incidents</source>
        <translation>الثغرات مع حوادثها</translation>
    </message>
    <message>
        <source>Comparison of rates</source>
        <translation>مقارنة المعدلات</translation>
    </message>
    <message>
        <source>Incident density</source>
        <translation>كثافة الحوادث</translation>
    </message>
    <message>
        <source>Hot spot areas</source>
        <translation>مناطق البؤر الساخنة</translation>
    </message>
    <message>
        <source>Monthly trend</source>
        <translation>الاتجاه الشهري</translation>
    </message>
    <message>
        <source>Trend chart (PNG)</source>
        <translation>مخطط الاتجاه (PNG)</translation>
    </message>
    <message>
        <source>Range field (m)</source>
        <translation>حقل المدى (m)</translation>
    </message>
    <message>
        <source>Default range</source>
        <translation>المدى الافتراضي</translation>
    </message>
    <message>
        <source>Sector start azimuth field (°)</source>
        <translation>حقل سمت بداية القطاع (°)</translation>
    </message>
    <message>
        <source>Sector end azimuth field (°)</source>
        <translation>حقل سمت نهاية القطاع (°)</translation>
    </message>
    <message>
        <source>Observer height</source>
        <translation>ارتفاع الراصد</translation>
    </message>
    <message>
        <source>Target height</source>
        <translation>ارتفاع الهدف</translation>
    </message>
    <message>
        <source>Earth curvature and refraction</source>
        <translation>تكوّر الأرض والانكسار الجوي</translation>
    </message>
    <message>
        <source>Coverage per post</source>
        <translation>التغطية لكل مخفر</translation>
    </message>
    <message>
        <source>Merged coverage</source>
        <translation>التغطية المدمجة</translation>
    </message>
    <message>
        <source>Posts seeing each cell</source>
        <translation>عدد المخافر التي ترى كل خلية</translation>
    </message>
    <message>
        <source>Seam zones</source>
        <translation>مناطق التماس</translation>
    </message>
    <message>
        <source>Seam</source>
        <translation>منطقة التماس</translation>
    </message>
    <message>
        <source>Existing coverage</source>
        <translation>التغطية القائمة</translation>
    </message>
    <message>
        <source>Candidate sites</source>
        <translation>المواقع المرشَّحة</translation>
    </message>
    <message>
        <source>Candidate points</source>
        <translation>النقاط المرشَّحة</translation>
    </message>
    <message>
        <source>Grid spacing / high point spacing</source>
        <translation>تباعد الشبكة / تباعد النقاط المرتفعة</translation>
    </message>
    <message>
        <source>Number of sites (K)</source>
        <translation>عدد المواقع (K)</translation>
    </message>
    <message>
        <source>Range of a new site</source>
        <translation>مدى الموقع الجديد</translation>
    </message>
    <message>
        <source>Weight</source>
        <translation>الوزن</translation>
    </message>
    <message>
        <source>Control areas</source>
        <translation>مناطق السيطرة</translation>
    </message>
    <message>
        <source>Cell size (0 = automatic)</source>
        <translation>حجم الخلية (0 = تلقائي)</translation>
    </message>
    <message>
        <source>Chosen sites</source>
        <translation>المواقع المختارة</translation>
    </message>
    <message>
        <source>New coverage</source>
        <translation>التغطية الجديدة</translation>
    </message>
    <message>
        <source>Remaining gaps</source>
        <translation>الثغرات المتبقية</translation>
    </message>
    <message>
        <source>Unclaimed land only</source>
        <translation>الأراضي غير الخاضعة لسيطرة أي قوة فقط</translation>
    </message>
    <message>
        <source>The whole seam</source>
        <translation>منطقة التماس بأكملها</translation>
    </message>
    <message>
        <source>Multiply the cost by DETECTION_FACTOR</source>
        <translation>ضرب الكلفة في DETECTION_FACTOR</translation>
    </message>
    <message>
        <source>Impassable</source>
        <translation>غير قابلة للعبور</translation>
    </message>
    <message>
        <source>km² (every km² the same)</source>
        <translation>km² (كل km² بالقيمة نفسها)</translation>
    </message>
    <message>
        <source>km² × priority</source>
        <translation>km² × الأولوية</translation>
    </message>
    <message>
        <source>A4 landscape</source>
        <translation>A4 أفقي</translation>
    </message>
    <message>
        <source>A4 portrait</source>
        <translation>A4 عمودي</translation>
    </message>
    <message>
        <source>A3 landscape</source>
        <translation>A3 أفقي</translation>
    </message>
    <message>
        <source>A3 portrait</source>
        <translation>A3 عمودي</translation>
    </message>
    <message>
        <source>Priority (highest first)</source>
        <translation>الأولوية (الأعلى أولاً)</translation>
    </message>
    <message>
        <source>Area (largest first)</source>
        <translation>المساحة (الأكبر أولاً)</translation>
    </message>
    <message>
        <source>Detect from the file</source>
        <translation>التحديد تلقائياً من الملف</translation>
    </message>
    <message>
        <source>GeoNames dump</source>
        <translation>ملف تفريغ GeoNames</translation>
    </message>
    <message>
        <source>NGA GNS country file</source>
        <translation>ملف دولة من NGA GNS</translation>
    </message>
    <message>
        <source>OpenStreetMap extract</source>
        <translation>مقتطف من OpenStreetMap</translation>
    </message>
    <message>
        <source>CSV table</source>
        <translation>جدول CSV</translation>
    </message>
    <message>
        <source>Candidate layer (CANDIDATES)</source>
        <translation>طبقة المواقع المرشَّحة (CANDIDATES)</translation>
    </message>
    <message>
        <source>Grid inside the gaps (GRID_SPACING)</source>
        <translation>شبكة داخل الثغرات (GRID_SPACING)</translation>
    </message>
    <message>
        <source>Local high points of the DEM</source>
        <translation>النقاط المرتفعة المحلية في نموذج الارتفاعات الرقمي (DEM)</translation>
    </message>
    <message>
        <source>None: every km² of gap the same</source>
        <translation>بلا وزن: كل km² من الثغرات بالقيمة نفسها</translation>
    </message>
    <message>
        <source>Gap area: larger gaps count more</source>
        <translation>مساحة الثغرة: الثغرات الأكبر تُحتسَب أكثر</translation>
    </message>
    <message>
        <source>Settlements: 1 + settlements inside the gap</source>
        <translation>التجمعات السكانية: 1 + عدد التجمعات داخل الثغرة</translation>
    </message>
    <message>
        <source>Opened gap area (km²)</source>
        <translation>مساحة الثغرات المستجدّة (km²)</translation>
    </message>
    <message>
        <source>Closed gap area (km²)</source>
        <translation>مساحة الثغرات المُغلَقة (km²)</translation>
    </message>
    <message>
        <source>Persisted gap area (km²)</source>
        <translation>مساحة الثغرات المستمرة (km²)</translation>
    </message>
    <message>
        <source>Number of dates</source>
        <translation>عدد التواريخ</translation>
    </message>
    <message>
        <source>Gaps neither force reaches within the maximum response time</source>
        <translation>الثغرات التي لا تبلغها أيّ من القوتين خلال أقصى زمن للاستجابة</translation>
    </message>
    <message>
        <source>Area of those gaps (km²)</source>
        <translation>مساحة تلك الثغرات (km²)</translation>
    </message>
    <message>
        <source>Gaps both forces reach within the maximum response time</source>
        <translation>الثغرات التي تبلغها كلتا القوتين خلال أقصى زمن للاستجابة</translation>
    </message>
    <message>
        <source>Links between posts of the two forces</source>
        <translation>الروابط بين مخافر القوتين</translation>
    </message>
    <message>
        <source>Longest first response to any gap (minutes)</source>
        <translation>أطول زمن للاستجابة الأولى لأي ثغرة (بالدقائق)</translation>
    </message>
    <message>
        <source>Number of routes</source>
        <translation>عدد المسارات</translation>
    </message>
    <message>
        <source>Number of pinch points found</source>
        <translation>عدد نقاط الاختناق المكتشَفة</translation>
    </message>
    <message>
        <source>Grid columns</source>
        <translation>أعمدة الشبكة</translation>
    </message>
    <message>
        <source>Grid rows</source>
        <translation>صفوف الشبكة</translation>
    </message>
    <message>
        <source>Gap area surveyed (km²)</source>
        <translation>مساحة الثغرات الممسوحة (km²)</translation>
    </message>
    <message>
        <source>Gap area surveyed (%)</source>
        <translation>مساحة الثغرات الممسوحة (%)</translation>
    </message>
    <message>
        <source>Weight surveyed (%)</source>
        <translation>الوزن الممسوح (%)</translation>
    </message>
    <message>
        <source>Sorties planned</source>
        <translation>الطلعات المخطَّط لها</translation>
    </message>
    <message>
        <source>Pages written</source>
        <translation>الصفحات المكتوبة</translation>
    </message>
    <message>
        <source>Gaps written</source>
        <translation>الثغرات المكتوبة</translation>
    </message>
    <message>
        <source>GPX waypoints</source>
        <translation>نقاط الطريق في GPX</translation>
    </message>
    <message>
        <source>GPX routes</source>
        <translation>المسارات في GPX</translation>
    </message>
    <message>
        <source>Start of the worst slice (hours)</source>
        <translation>بداية أسوأ شريحة (بالساعات)</translation>
    </message>
    <message>
        <source>Gap area of the worst slice (km²)</source>
        <translation>مساحة الثغرات في أسوأ شريحة (km²)</translation>
    </message>
    <message>
        <source>Never watched area (km²)</source>
        <translation>المساحة غير المراقَبة إطلاقاً (km²)</translation>
    </message>
    <message>
        <source>Number of slices</source>
        <translation>عدد الشرائح</translation>
    </message>
    <message>
        <source>Seam area (km²)</source>
        <translation>مساحة منطقة التماس (km²)</translation>
    </message>
    <message>
        <source>Worst slice</source>
        <translation>أسوأ شريحة</translation>
    </message>
    <message>
        <source>Covered area (km²)</source>
        <translation>المساحة المغطّاة (km²)</translation>
    </message>
    <message>
        <source>Covered (%)</source>
        <translation>نسبة التغطية (%)</translation>
    </message>
    <message>
        <source>Number of gaps</source>
        <translation>عدد الثغرات</translation>
    </message>
    <message>
        <source>Gap area (km²)</source>
        <translation>مساحة الثغرات (km²)</translation>
    </message>
    <message>
        <source>Largest gap (km²)</source>
        <translation>أكبر ثغرة (km²)</translation>
    </message>
    <message>
        <source>On the Iraqi side</source>
        <translation>في الجانب العراقي</translation>
    </message>
    <message>
        <source>On the Syrian side</source>
        <translation>في الجانب السوري</translation>
    </message>
    <message>
        <source>Abandoned</source>
        <translation>المهجورة</translation>
    </message>
    <message>
        <source>Duplicates merged</source>
        <translation>السجلات المكررة المدمجة</translation>
    </message>
    <message>
        <source>The comparison, as a sentence</source>
        <translation>المقارنة في جملة</translation>
    </message>
    <message>
        <source>The trends, as a sentence</source>
        <translation>الاتجاهات في جملة</translation>
    </message>
    <message>
        <source>Incidents analysed</source>
        <translation>الحوادث المحلَّلة</translation>
    </message>
    <message>
        <source>Incidents in the gaps</source>
        <translation>الحوادث في الثغرات</translation>
    </message>
    <message>
        <source>Rate ratio, gaps against elsewhere</source>
        <translation>نسبة المعدلات، الثغرات مقابل بقية المناطق</translation>
    </message>
    <message>
        <source>Rate ratio, lower 95 % bound</source>
        <translation>نسبة المعدلات، الحد الأدنى لمجال الثقة 95 %</translation>
    </message>
    <message>
        <source>Rate ratio, upper 95 % bound</source>
        <translation>نسبة المعدلات، الحد الأعلى لمجال الثقة 95 %</translation>
    </message>
    <message>
        <source>p-value of the rate ratio</source>
        <translation>قيمة p لنسبة المعدلات</translation>
    </message>
    <message>
        <source>Trend in the gaps (% a year)</source>
        <translation>الاتجاه في الثغرات (% سنوياً)</translation>
    </message>
    <message>
        <source>Trend in the gaps, lower 95 % bound (% a year)</source>
        <translation>الاتجاه في الثغرات، الحد الأدنى لمجال الثقة 95 % (% سنوياً)</translation>
    </message>
    <message>
        <source>Trend in the gaps, upper 95 % bound (% a year)</source>
        <translation>الاتجاه في الثغرات، الحد الأعلى لمجال الثقة 95 % (% سنوياً)</translation>
    </message>
    <message>
        <source>Trend outside the gaps (% a year)</source>
        <translation>الاتجاه خارج الثغرات (% سنوياً)</translation>
    </message>
    <message>
        <source>Trend outside the gaps, lower 95 % bound (% a year)</source>
        <translation>الاتجاه خارج الثغرات، الحد الأدنى لمجال الثقة 95 % (% سنوياً)</translation>
    </message>
    <message>
        <source>Trend outside the gaps, upper 95 % bound (% a year)</source>
        <translation>الاتجاه خارج الثغرات، الحد الأعلى لمجال الثقة 95 % (% سنوياً)</translation>
    </message>
    <message>
        <source>Hot spot density threshold (incidents per km²)</source>
        <translation>عتبة كثافة البؤر الساخنة (حوادث لكل km²)</translation>
    </message>
    <message>
        <source>Number of hot spot areas</source>
        <translation>عدد مناطق البؤر الساخنة</translation>
    </message>
    <message>
        <source>Posts computed</source>
        <translation>المخافر المحسوبة</translation>
    </message>
    <message>
        <source>Posts skipped</source>
        <translation>المخافر المتجاوَزة</translation>
    </message>
    <message>
        <source>Merged coverage area (km²)</source>
        <translation>مساحة التغطية المدمجة (km²)</translation>
    </message>
    <message>
        <source>Unclaimed seam area (km²)</source>
        <translation>مساحة التماس غير الخاضعة لسيطرة أي قوة (km²)</translation>
    </message>
    <message>
        <source>Gap area closed (km²)</source>
        <translation>مساحة الثغرات التي أُغلِقت (km²)</translation>
    </message>
    <message>
        <source>Gap area closed (%)</source>
        <translation>نسبة الثغرات التي أُغلِقت (%)</translation>
    </message>
    <message>
        <source>Sites chosen</source>
        <translation>عدد المواقع المختارة</translation>
    </message>
    <message>
        <source>Line layer of the border; all its lines are merged. Empty: the bundled Natural Earth Iraq–Syria border.</source>
        <translation>طبقة خطوط الحدود؛ تُدمج كل خطوطها. فارغ: الحدود العراقية السورية المضمَّنة من Natural Earth.</translation>
    </message>
    <message>
        <source>Polygons of the countries on each side; each band is clipped to its side's polygons. Empty: the bundled Natural Earth countries.</source>
        <translation>مضلعات الدول على كل جانب؛ يُقتطع كل نطاق بمضلعات جانبه. فارغ: الدول المضمَّنة من Natural Earth.</translation>
    </message>
    <message>
        <source>Field of the country polygons holding IQ, IRQ or Iraq for Iraq and SY, SYR or Syria for Syria (any case). Default iso_a2.</source>
        <translation>حقل مضلعات الدول الذي يحمل IQ أو IRQ أو Iraq للعراق وSY أو SYR أو Syria لسوريا (بأي حالة أحرف). الافتراضي iso_a2.</translation>
    </message>
    <message>
        <source>Distance ranges from the border on the Iraqi side, in km, as MIN-MAX separated by commas.</source>
        <translation>نطاقات المسافة من الحدود في الجانب العراقي، بالـ km، بصيغة MIN-MAX مفصولة بفواصل.</translation>
    </message>
    <message>
        <source>Distance ranges from the border on the Syrian side, in km, as MIN-MAX separated by commas.</source>
        <translation>نطاقات المسافة من الحدود في الجانب السوري، بالـ km، بصيغة MIN-MAX مفصولة بفواصل.</translation>
    </message>
    <message>
        <source>Polygons of the districts held by each force; any CRS (areas are computed in its UTM zone).</source>
        <translation>مضلعات الأقضية التي تسيطر عليها كل قوة؛ بأي نظام إحداثيات (تُحسب المساحات في نطاق UTM الخاص بها).</translation>
    </message>
    <message>
        <source>Field of the control areas naming the force that holds each district.</source>
        <translation>حقل مناطق السيطرة الذي يسمّي القوة المسيطرة على كل قضاء.</translation>
    </message>
    <message>
        <source>Value(s) of the force field for force A, e.g. 'Peshmerga' or 'Peshmerga, YBS' (compared without regard to case).</source>
        <translation>قيمة (قيم) حقل القوة للقوة A، مثل 'Peshmerga' أو 'Peshmerga, YBS' (تُقارَن دون مراعاة حالة الأحرف).</translation>
    </message>
    <message>
        <source>Value(s) of the force field for force B, e.g. 'ISF, PMF'.</source>
        <translation>قيمة (قيم) حقل القوة للقوة B، مثل 'ISF, PMF'.</translation>
    </message>
    <message>
        <source>Field naming each district, for force_a_adj and force_b_adj. Empty: the field 'name' when the layer has one.</source>
        <translation>الحقل الذي يسمّي كل قضاء، من أجل force_a_adj وforce_b_adj. فارغ: الحقل 'name' إن وُجد في الطبقة.</translation>
    </message>
    <message>
        <source>Land within this distance (metres) of both forces' districts is the seam. More than 0, at most 500 km.</source>
        <translation>الأرض الواقعة ضمن هذه المسافة (بالأمتار) من أقضية كلتا القوتين هي منطقة التماس. أكثر من 0، و500 km على الأكثر.</translation>
    </message>
    <message>
        <source>Polygon layers of what is watched. Any CRS; only polygons reaching the seam are used.</source>
        <translation>طبقات مضلعات ما هو مراقَب. بأي نظام إحداثيات؛ تُستخدم فقط المضلعات التي تبلغ منطقة التماس.</translation>
    </message>
    <message>
        <source>Optional points: each post covers a disc of its range.</source>
        <translation>نقاط اختيارية: يغطي كل مخفر دائرة بنصف قطر مداه.</translation>
    </message>
    <message>
        <source>Numeric field of POSTS with each post's range in metres; empty or ≤ 0 takes DEFAULT_RANGE.</source>
        <translation>حقل رقمي في POSTS يحمل مدى كل مخفر بالأمتار؛ القيمة الفارغة أو ≤ 0 تأخذ DEFAULT_RANGE.</translation>
    </message>
    <message>
        <source>Range in metres of posts without a RANGE_FIELD value.</source>
        <translation>المدى بالأمتار للمخافر التي ليس لها قيمة في RANGE_FIELD.</translation>
    </message>
    <message>
        <source>0: only the seam outside both forces' districts; 1: the whole seam, inside districts too.</source>
        <translation>0: منطقة التماس خارج أقضية كلتا القوتين فقط؛ 1: منطقة التماس بأكملها، بما فيها داخل الأقضية.</translation>
    </message>
    <message>
        <source>Gaps smaller than this (square metres) are dropped.</source>
        <translation>تُحذف الثغرات الأصغر من هذه المساحة (بالأمتار المربعة).</translation>
    </message>
    <message>
        <source>Optional polygons: the seam is clipped to them.</source>
        <translation>مضلعات اختيارية: تُقتطع منطقة التماس بها.</translation>
    </message>
    <message>
        <source>Optional points counted in each gap; a field 'status' = 'abandoned' marks abandoned ones.</source>
        <translation>نقاط اختيارية تُعدّ في كل ثغرة؛ الحقل 'status' = 'abandoned' يميّز المهجورة منها.</translation>
    </message>
    <message>
        <source>Optional line for border_km, e.g. the bundled Iraq–Syria border.</source>
        <translation>خط اختياري لحساب border_km، مثل الحدود العراقية السورية المضمَّنة.</translation>
    </message>
    <message>
        <source>The later control map (same FORCE_FIELD and NAME_FIELD as CONTROL_AREAS). Or leave it empty and give DATE_FIELD.</source>
        <translation>خريطة السيطرة اللاحقة (بالحقلين FORCE_FIELD وNAME_FIELD نفسيهما كما في CONTROL_AREAS). أو اتركها فارغة وحدّد DATE_FIELD.</translation>
    </message>
    <message>
        <source>Field of CONTROL_AREAS with the date of each snapshot: every date is a control map of its own.</source>
        <translation>حقل CONTROL_AREAS الذي يحمل تاريخ كل لقطة: كل تاريخ خريطة سيطرة قائمة بذاتها.</translation>
    </message>
    <message>
        <source>With DATE_FIELD: the earlier date to compare (empty: every date). With two layers: the date of CONTROL_AREAS.</source>
        <translation>مع DATE_FIELD: التاريخ الأسبق للمقارنة (فارغ: كل التواريخ). مع طبقتين: تاريخ CONTROL_AREAS.</translation>
    </message>
    <message>
        <source>With DATE_FIELD: the later date to compare. With two layers: the date of CONTROL_AREAS_AFTER.</source>
        <translation>مع DATE_FIELD: التاريخ اللاحق للمقارنة. مع طبقتين: تاريخ CONTROL_AREAS_AFTER.</translation>
    </message>
    <message>
        <source>Polygons of the gaps, e.g. the output of Unmonitored gap zones (its gap_id names them).</source>
        <translation>مضلعات الثغرات، مثل ناتج «مناطق الثغرات غير المراقَبة» (يسمّيها حقل gap_id فيه).</translation>
    </message>
    <message>
        <source>Points of the posts of both forces (and others, which take no part).</source>
        <translation>نقاط مخافر كلتا القوتين (وغيرهما، ولا تدخل في الحساب).</translation>
    </message>
    <message>
        <source>Field of POSTS naming the force that holds each post.</source>
        <translation>حقل POSTS الذي يسمّي القوة التي تمسك كل مخفر.</translation>
    </message>
    <message>
        <source>Value(s) of FORCE_FIELD for force A, e.g. 'Peshmerga' (compared without regard to case).</source>
        <translation>قيمة (قيم) FORCE_FIELD للقوة A، مثل 'Peshmerga' (تُقارَن دون مراعاة حالة الأحرف).</translation>
    </message>
    <message>
        <source>Value(s) of FORCE_FIELD for force B, e.g. 'ISF, PMF'.</source>
        <translation>قيمة (قيم) FORCE_FIELD للقوة B، مثل 'ISF, PMF'.</translation>
    </message>
    <message>
        <source>Field naming each post in the outputs. Empty: the field 'name' when there is one, else the force and the feature id.</source>
        <translation>الحقل الذي يسمّي كل مخفر في النواتج. فارغ: الحقل 'name' إن وُجد، وإلا القوة ومعرِّف المعلم.</translation>
    </message>
    <message>
        <source>How fast a response team crosses open flat ground, km/h; more than 0.</source>
        <translation>سرعة عبور فريق الاستجابة للأرض المكشوفة المستوية، بالـ km/h؛ أكثر من 0.</translation>
    </message>
    <message>
        <source>Lines along which a team moves at ROAD_SPEED_KMH. With ROADS (or a DEM) time is measured over a grid.</source>
        <translation>خطوط يتحرك عليها الفريق بسرعة ROAD_SPEED_KMH. مع ROADS (أو DEM) يُقاس الزمن على شبكة.</translation>
    </message>
    <message>
        <source>Speed on ROADS, km/h; more than 0 (and usually more than SPEED_KMH).</source>
        <translation>السرعة على ROADS، بالـ km/h؛ أكثر من 0 (وعادةً أكثر من SPEED_KMH).</translation>
    </message>
    <message>
        <source>A GDAL elevation raster in metres: slope slows movement (time × exp(3.5 × slope), as in Crossing corridors). Cells it does not cover count as flat.</source>
        <translation>ملف ارتفاعات نقطي يقرؤه GDAL بالأمتار: يبطئ الانحدار الحركة (الزمن × exp(3.5 × slope)، كما في «ممرات العبور»). تُعدّ الخلايا التي لا يغطيها مستوية.</translation>
    </message>
    <message>
        <source>Side of a grid cell in metres, used only with ROADS or a DEM. Halving it quadruples time and memory.</source>
        <translation>ضلع خلية الشبكة بالأمتار، ولا يُستخدم إلا مع ROADS أو DEM. تنصيفه يضاعف الزمن والذاكرة أربع مرات.</translation>
    </message>
    <message>
        <source>A force answers for a gap when its post reaches every point of it within this many minutes: both do for a joint gap, neither for an orphan gap.</source>
        <translation>تتولى قوة الاستجابة لثغرة حين يبلغ مخفرها كل نقطة منها خلال هذا العدد من الدقائق: كلتاهما في الثغرة المشتركة، ولا أيّ منهما في الثغرة اليتيمة.</translation>
    </message>
    <message>
        <source>Polygons the responsibility areas and the handover line cover. Empty: the gaps' extent grown by the distance covered in MAX_RESPONSE_MIN at the fastest speed.</source>
        <translation>المضلعات التي تغطيها مناطق المسؤولية وخط تسليم المسؤولية. فارغ: امتداد الثغرات موسَّعاً بالمسافة المقطوعة خلال MAX_RESPONSE_MIN بأعلى سرعة.</translation>
    </message>
    <message>
        <source>Largest grid accepted (with ROADS or a DEM); a larger one is refused before memory is used.</source>
        <translation>أكبر شبكة مقبولة (مع ROADS أو DEM)؛ تُرفض الشبكة الأكبر قبل استخدام الذاكرة.</translation>
    </message>
    <message>
        <source>The gaps with the answering post of each force and its minutes, first_force, joint, orphan.</source>
        <translation>الثغرات مع المخفر المستجيب من كل قوة ودقائقه، وfirst_force وjoint وorphan.</translation>
    </message>
    <message>
        <source>The land each post reaches first: post, force, max_minutes, area_km2.</source>
        <translation>الأرض التي يبلغها كل مخفر أولاً: post وforce وmax_minutes وarea_km2.</translation>
    </message>
    <message>
        <source>Where responsibility passes from a force-A post to a force-B post: post_a, post_b, length_km.</source>
        <translation>حيث تنتقل المسؤولية من مخفر للقوة A إلى مخفر للقوة B: post_a وpost_b وlength_km.</translation>
    </message>
    <message>
        <source>A line per pair of posts of the two forces that share gaps: post_a, post_b, gaps, gap_ids, gap_km2, distance_km.</source>
        <translation>خط لكل زوج من مخافر القوتين يتشاركان ثغرات: post_a وpost_b وgaps وgap_ids وgap_km2 وdistance_km.</translation>
    </message>
    <message>
        <source>Points where routes start: towns, crossings or staging areas on the Syrian side.</source>
        <translation>نقاط بداية المسارات: البلدات أو المعابر أو مناطق التجمّع في الجانب السوري.</translation>
    </message>
    <message>
        <source>Field whose value names an origin in the routes layer; without it the feature id is used.</source>
        <translation>الحقل الذي تسمّي قيمته نقطة الانطلاق في طبقة المسارات؛ وبدونه يُستخدم معرِّف المعلم.</translation>
    </message>
    <message>
        <source>Points where routes end: villages and towns on the Iraqi side.</source>
        <translation>نقاط نهاية المسارات: القرى والبلدات في الجانب العراقي.</translation>
    </message>
    <message>
        <source>Field whose value names a destination in the routes layer; without it the feature id is used.</source>
        <translation>الحقل الذي تسمّي قيمته الوجهة في طبقة المسارات؛ وبدونه يُستخدم معرِّف المعلم.</translation>
    </message>
    <message>
        <source>Side of a cost-raster cell in metres. Smaller cells follow terrain and roads more closely but the grid grows with the square: halving the cell size quadruples time and memory.</source>
        <translation>ضلع خلية نقطية الكلفة بالأمتار. الخلايا الأصغر تتبع التضاريس والطرق بدقة أكبر لكن الشبكة تكبر بمربع ذلك: تنصيف حجم الخلية يضاعف الزمن والذاكرة أربع مرات.</translation>
    </message>
    <message>
        <source>How many routes to keep per destination: the K cheapest, each from a different origin. K = 1 needs one search from all origins at once, K = 2 about 2 log2(origins) searches, K &gt; 2 one search per origin (or per destination if fewer).</source>
        <translation>عدد المسارات المحتفَظ بها لكل وجهة: أرخص K مسار، كل منها من نقطة انطلاق مختلفة. K = 1 يحتاج بحثاً واحداً من كل نقاط الانطلاق معاً، وK = 2 نحو 2 log2(origins) من عمليات البحث، وK &gt; 2 بحثاً لكل نقطة انطلاق (أو لكل وجهة إن كانت أقل).</translation>
    </message>
    <message>
        <source>A GDAL-readable elevation raster in metres. Slope raises the cost as walking time does (Tobler: exp(3.5 × slope)). Cells the DEM does not cover count as flat.</source>
        <translation>ملف ارتفاعات نقطي يقرؤه GDAL بالأمتار. يرفع الانحدار الكلفة كما يرفع زمن السير (Tobler: exp(3.5 × slope)). تُعدّ الخلايا التي لا يغطيها DEM مستوية.</translation>
    </message>
    <message>
        <source>Areas watched by posts, cameras, patrols or drones. See COVERAGE_MODE.</source>
        <translation>المناطق التي تراقبها المخافر أو الكاميرات أو الدوريات أو الطائرات المسيّرة. انظر COVERAGE_MODE.</translation>
    </message>
    <message>
        <source>Observation posts; each covers a disc of its range (RANGE_FIELD or DEFAULT_RANGE).</source>
        <translation>مخافر المراقبة؛ يغطي كل منها دائرة بنصف قطر مداه (RANGE_FIELD أو DEFAULT_RANGE).</translation>
    </message>
    <message>
        <source>Numeric field of POSTS with each post's range in metres; empty values use DEFAULT_RANGE.</source>
        <translation>حقل رقمي في POSTS يحمل مدى كل مخفر بالأمتار؛ القيم الفارغة تأخذ DEFAULT_RANGE.</translation>
    </message>
    <message>
        <source>Range in metres of posts without a value in RANGE_FIELD.</source>
        <translation>المدى بالأمتار للمخافر التي ليس لها قيمة في RANGE_FIELD.</translation>
    </message>
    <message>
        <source>0: crossing a covered cell costs DETECTION_FACTOR times more; 1: covered cells cannot be crossed at all.</source>
        <translation>0: عبور خلية مغطّاة يكلّف DETECTION_FACTOR مرة أكثر؛ 1: لا يمكن عبور الخلايا المغطّاة إطلاقاً.</translation>
    </message>
    <message>
        <source>Cost multiplier inside coverage (COVERAGE_MODE 0): 5 means one covered kilometre weighs as much as five open ones.</source>
        <translation>مضاعِف الكلفة داخل التغطية (COVERAGE_MODE 0): القيمة 5 تعني أن كيلومتراً مغطّى واحداً يعادل خمسة كيلومترات مكشوفة.</translation>
    </message>
    <message>
        <source>Lines along which moving is easier (roads, tracks, wadis used as conduits).</source>
        <translation>خطوط تسهل الحركة عليها (الطرق والمسالك والوديان المستخدمة ممراتٍ).</translation>
    </message>
    <message>
        <source>Cost multiplier on cells a road passes through: 0.3 means a road kilometre costs as much as 300 m of open ground.</source>
        <translation>مضاعِف الكلفة على الخلايا التي يمر بها طريق: القيمة 0.3 تعني أن كيلومتر الطريق يكلّف ما يكلّفه 300 m من الأرض المكشوفة.</translation>
    </message>
    <message>
        <source>Unmonitored gap zones (output of Unmonitored gap zones): the km of each route inside them is reported (gaps_km), and GAP_FACTOR changes the cost inside them.</source>
        <translation>مناطق الثغرات غير المراقَبة (ناتج «مناطق الثغرات غير المراقَبة»): يُذكر طول كل مسار داخلها بالـ km (gaps_km)، ويغيّر GAP_FACTOR الكلفة داخلها.</translation>
    </message>
    <message>
        <source>Cost multiplier inside gap zones; 1 leaves the cost alone, below 1 makes routes prefer gaps.</source>
        <translation>مضاعِف الكلفة داخل مناطق الثغرات؛ القيمة 1 تُبقي الكلفة كما هي، وما دون 1 يجعل المسارات تفضّل الثغرات.</translation>
    </message>
    <message>
        <source>The border the routes cross: gives each route's crossing point (cross_lon, cross_lat) and, without COUNTRIES, the side check. Empty: the bundled Iraq–Syria border, if it crosses the grid.</source>
        <translation>الحدود التي تعبرها المسارات: تعطي نقطة عبور كل مسار (cross_lon وcross_lat)، ومن دون COUNTRIES التحقق من الجانب. فارغ: الحدود العراقية السورية المضمَّنة، إن كانت تعبر الشبكة.</translation>
    </message>
    <message>
        <source>Country polygons (e.g. the bundled 'countries' layer) for checking that every origin lies in ORIGIN_COUNTRY and every destination in DESTINATION_COUNTRY.</source>
        <translation>مضلعات الدول (مثل الطبقة المضمَّنة 'countries') للتحقق من أن كل نقطة انطلاق تقع في ORIGIN_COUNTRY وكل وجهة في DESTINATION_COUNTRY.</translation>
    </message>
    <message>
        <source>Field of COUNTRIES holding the names compared with ORIGIN_COUNTRY and DESTINATION_COUNTRY.</source>
        <translation>حقل COUNTRIES الذي يحمل الأسماء المقارَنة مع ORIGIN_COUNTRY وDESTINATION_COUNTRY.</translation>
    </message>
    <message>
        <source>Value of COUNTRY_FIELD where origins must lie (compared ignoring case).</source>
        <translation>قيمة COUNTRY_FIELD التي يجب أن تقع فيها نقاط الانطلاق (تُقارَن دون مراعاة حالة الأحرف).</translation>
    </message>
    <message>
        <source>Value of COUNTRY_FIELD where destinations must lie (compared ignoring case).</source>
        <translation>قيمة COUNTRY_FIELD التي يجب أن تقع فيها الوجهات (تُقارَن دون مراعاة حالة الأحرف).</translation>
    </message>
    <message>
        <source>Optional: the grid never extends beyond this rectangle; points outside it are skipped.</source>
        <translation>اختياري: لا تمتد الشبكة أبعد من هذا المستطيل؛ وتُتجاوز النقاط الواقعة خارجه.</translation>
    </message>
    <message>
        <source>The grid covers the origins and destinations plus this margin (metres), so routes can bend around obstacles.</source>
        <translation>تغطي الشبكة نقاط الانطلاق والوجهات مضافاً إليها هذا الهامش (بالأمتار)، كي تلتفّ المسارات حول العوائق.</translation>
    </message>
    <message>
        <source>How many pinch points to report.</source>
        <translation>عدد نقاط الاختناق المطلوب إظهارها.</translation>
    </message>
    <message>
        <source>Pinch points are at least this far (metres) from each other and from every origin and destination (where routes gather trivially).</source>
        <translation>تبعد نقاط الاختناق هذه المسافة على الأقل (بالأمتار) بعضها عن بعض وعن كل نقطة انطلاق ووجهة (حيث تتجمع المسارات بداهةً).</translation>
    </message>
    <message>
        <source>The K cheapest routes per destination: origin, destination, rank, cost, length_km, gaps_km, coverage_km, cross_lon, cross_lat.</source>
        <translation>أرخص K مسار لكل وجهة: origin وdestination وrank وcost وlength_km وgaps_km وcoverage_km وcross_lon وcross_lat.</translation>
    </message>
    <message>
        <source>GeoTIFF (UTM) counting the routes through each cell.</source>
        <translation>ملف GeoTIFF ‏(UTM) يعدّ المسارات المارّة بكل خلية.</translation>
    </message>
    <message>
        <source>Cells most routes pass through, ranked (fields rank, routes): candidate sites for new posts.</source>
        <translation>الخلايا التي تمر بها أكثر المسارات، مرتّبة (الحقلان rank وroutes): مواقع مرشَّحة لمخافر جديدة.</translation>
    </message>
    <message>
        <source>Polygons to survey (e.g. the output of Unmonitored gap zones); gap_id and priority are used when present.</source>
        <translation>المضلعات المطلوب مسحها (مثل ناتج «مناطق الثغرات غير المراقَبة»)؛ يُستخدم gap_id وpriority إن وُجدا.</translation>
    </message>
    <message>
        <source>Points the sorties leave from and return to (e.g. the posts).</source>
        <translation>النقاط التي تنطلق منها الطلعات وتعود إليها (مثل المخافر).</translation>
    </message>
    <message>
        <source>Field naming each base in the outputs; empty: the field 'name' when there is one, else 'base &lt;id&gt;'.</source>
        <translation>الحقل الذي يسمّي كل قاعدة في النواتج؛ فارغ: الحقل 'name' إن وُجد، وإلا 'base &lt;id&gt;'.</translation>
    </message>
    <message>
        <source>Longest flight path of one sortie in km, from the base and back to it; more than 0.</source>
        <translation>أطول مسار طيران لطلعة واحدة بالـ km، من القاعدة والعودة إليها؛ أكثر من 0.</translation>
    </message>
    <message>
        <source>Width of ground the sensor watches across the lane (m); the lanes are this far apart. More than 0.</source>
        <translation>عرض الأرض التي يرصدها المستشعر عرضياً على مسار المسح (m)؛ والمسارات متباعدة بهذا القدر. أكثر من 0.</translation>
    </message>
    <message>
        <source>How many sorties to plan (fewer when the gaps in reach run out).</source>
        <translation>عدد الطلعات المراد تخطيطها (أقل إن نفدت الثغرات التي في المتناول).</translation>
    </message>
    <message>
        <source>At most this many sorties leave from any one base (0: no limit).</source>
        <translation>أقصى عدد من الطلعات ينطلق من أي قاعدة واحدة (0: بلا حد).</translation>
    </message>
    <message>
        <source>Also a no-fly zone: every bundled country but the one holding most bases (the far side of the Iraq–Syria border, and the neighbours beyond). Turn off to ignore the border.</source>
        <translation>منطقة حظر طيران أيضاً: كل دولة مضمَّنة عدا الدولة التي تضم معظم القواعد (الجانب الآخر من الحدود العراقية السورية، والدول المجاورة ما بعده). ألغِ التحديد لتجاهل الحدود.</translation>
    </message>
    <message>
        <source>0: every km² the same; 1: km² × the gap's priority field (no priority field: as 0).</source>
        <translation>0: كل km² بالقيمة نفسها؛ 1: km² × حقل أولوية الثغرة (إن لم يوجد حقل أولوية: كما في 0).</translation>
    </message>
    <message>
        <source>Speed for the minutes of each sortie; more than 0.</source>
        <translation>السرعة المستخدمة لحساب دقائق كل طلعة؛ أكثر من 0.</translation>
    </message>
    <message>
        <source>The whole path of each sortie: sortie, base, length_km, surveyed_km2, weighted, gaps, minutes.</source>
        <translation>المسار الكامل لكل طلعة: sortie وbase وlength_km وsurveyed_km2 وweighted وgaps وminutes.</translation>
    </message>
    <message>
        <source>The survey lanes flown: sortie, gap_id, seq (order within the sortie), length_km, partial (1: cut short).</source>
        <translation>مسارات المسح المنفَّذة: sortie وgap_id وseq (الترتيب ضمن الطلعة) وlength_km وpartial ‏(1: قُطع قبل اكتماله).</translation>
    </message>
    <message>
        <source>What each sortie watches of each gap: sortie, gap_id, area_km2, weighted, gap_pct.</source>
        <translation>ما ترصده كل طلعة من كل ثغرة: sortie وgap_id وarea_km2 وweighted وgap_pct.</translation>
    </message>
    <message>
        <source>The gap layer from Unmonitored gap zones (fields gap_id, area_km2, width_km, border_km, priority): a page for each gap.</source>
        <translation>طبقة الثغرات من «مناطق الثغرات غير المراقَبة» (الحقول gap_id وarea_km2 وwidth_km وborder_km وpriority): صفحة لكل ثغرة.</translation>
    </message>
    <message>
        <source>Layers drawn with the gaps on every page: control areas, coverage polygons, posts.</source>
        <translation>طبقات تُرسم مع الثغرات في كل صفحة: مناطق السيطرة، مضلعات التغطية، المخافر.</translation>
    </message>
    <message>
        <source>The title of page 1; each gap page is titled by its gap.</source>
        <translation>عنوان الصفحة 1؛ وتُعنوَن كل صفحة ثغرة باسم ثغرتها.</translation>
    </message>
    <message>
        <source>A line under the title of page 1.</source>
        <translation>سطر تحت عنوان الصفحة 1.</translation>
    </message>
    <message>
        <source>Paper size and orientation of every page.</source>
        <translation>حجم الورق واتجاهه لكل صفحة.</translation>
    </message>
    <message>
        <source>Dots per inch of any raster part of the PDF (hatching, transparency).</source>
        <translation>عدد النقاط في البوصة لأي جزء نقطي في PDF (التظليل، الشفافية).</translation>
    </message>
    <message>
        <source>Which gap comes first: highest priority or largest area (ties by the other, then gap_id).</source>
        <translation>أي ثغرة تأتي أولاً: الأعلى أولوية أو الأكبر مساحة (وعند التساوي بالمعيار الآخر، ثم gap_id).</translation>
    </message>
    <message>
        <source>Only the first N gaps in that order get a page of their own; 0 gives every gap a page.</source>
        <translation>لا تحصل على صفحة خاصة إلا أول N ثغرة بهذا الترتيب؛ القيمة 0 تعطي كل ثغرة صفحة.</translation>
    </message>
    <message>
        <source>Draw the bundled border, crossings, settlements, governorates and countries.</source>
        <translation>رسم الحدود والمعابر والتجمعات السكانية والمحافظات والدول المضمَّنة.</translation>
    </message>
    <message>
        <source>Write a GeoPDF: every page georeferenced, the map layers switchable. Needs QGIS's GeoPDF support and the Python package pypdf; without them a plain PDF is written and the log says why.</source>
        <translation>كتابة GeoPDF: كل صفحة مُسنَدة جغرافياً، وطبقات الخريطة قابلة للإظهار والإخفاء. يحتاج دعم GeoPDF في QGIS وحزمة Python ‏pypdf؛ ومن دونهما يُكتب PDF عادي ويذكر السجل السبب.</translation>
    </message>
    <message>
        <source>Where to write the atlas.</source>
        <translation>مكان كتابة الأطلس.</translation>
    </message>
    <message>
        <source>The gap layer from Unmonitored gap zones; its figures (and any answering posts or incidents the layer carries) go into each gap's description.</source>
        <translation>طبقة الثغرات من «مناطق الثغرات غير المراقَبة»؛ تدخل أرقامها (وأي مخافر مستجيبة أو حوادث تحملها الطبقة) في وصف كل ثغرة.</translation>
    </message>
    <message>
        <source>Posts: waypoints named by their 'name' field (else Post N), with force, kind and range.</source>
        <translation>المخافر: نقاط طريق مسمّاة بحقل 'name' (وإلا Post N)، مع القوة والنوع والمدى.</translation>
    </message>
    <message>
        <source>Crossings (fields name, name_ar, status …); the bundled ones when empty and the border region is on.</source>
        <translation>المعابر (الحقول name وname_ar وstatus …)؛ المضمَّنة منها حين تكون فارغة ويكون خيار منطقة الحدود مفعّلاً.</translation>
    </message>
    <message>
        <source>Settlements (fields name, name_ar …); the bundled ones when empty and the border region is on.</source>
        <translation>التجمعات السكانية (الحقول name وname_ar …)؛ المضمَّنة منها حين تكون فارغة ويكون خيار منطقة الحدود مفعّلاً.</translation>
    </message>
    <message>
        <source>The sorties of Drone sorties (field sortie): lines in the KMZ, routes in the GPX.</source>
        <translation>طلعات «طلعات الطائرات المسيّرة» (الحقل sortie): خطوط في KMZ، ومسارات في GPX.</translation>
    </message>
    <message>
        <source>Take the bundled border crossings and settlements where CROSSINGS or SETTLEMENTS is not given.</source>
        <translation>أخذ المعابر الحدودية والتجمعات السكانية المضمَّنة حيث لا يُعطى CROSSINGS أو SETTLEMENTS.</translation>
    </message>
    <message>
        <source>Only crossings and settlements this close to a gap are written (0 = only those inside a gap).</source>
        <translation>لا تُكتب إلا المعابر والتجمعات السكانية الواقعة ضمن هذه المسافة من ثغرة (0 = الواقعة داخل ثغرة فقط).</translation>
    </message>
    <message>
        <source>Tolerance of the simplification of gaps and sorties (Douglas–Peucker, metres; 0 keeps every vertex).</source>
        <translation>تسامح تبسيط الثغرات والطلعات (Douglas–Peucker، بالأمتار؛ 0 يُبقي كل الرؤوس).</translation>
    </message>
    <message>
        <source>The name of the KMZ document and of the GPX file's metadata.</source>
        <translation>اسم مستند KMZ واسم البيانات الوصفية لملف GPX.</translation>
    </message>
    <message>
        <source>Where to write the KMZ. Give this, the GPX, or both.</source>
        <translation>مكان كتابة KMZ. حدّد هذا أو GPX أو كليهما.</translation>
    </message>
    <message>
        <source>Where to write the GPX.</source>
        <translation>مكان كتابة GPX.</translation>
    </message>
    <message>
        <source>The gap layer from Unmonitored gap zones (fields gap_id, area_km2, width_km, border_km, priority). The map is zoomed to it.</source>
        <translation>طبقة الثغرات من «مناطق الثغرات غير المراقَبة» (الحقول gap_id وarea_km2 وwidth_km وborder_km وpriority). تُكبَّر الخريطة إليها.</translation>
    </message>
    <message>
        <source>Layers drawn with the gaps: control areas (a polygon layer with a 'force' field; unclaimed land between them is hatched), coverage polygons, posts.</source>
        <translation>طبقات تُرسم مع الثغرات: مناطق السيطرة (طبقة مضلعات فيها حقل 'force'؛ وتُظلَّل الأرض غير الخاضعة لأي قوة بينها)، مضلعات التغطية، المخافر.</translation>
    </message>
    <message>
        <source>The map's title.</source>
        <translation>عنوان الخريطة.</translation>
    </message>
    <message>
        <source>A line under the title, e.g. the area, the forces and the seam distance.</source>
        <translation>سطر تحت العنوان، مثل المنطقة والقوات ومسافة التماس.</translation>
    </message>
    <message>
        <source>Paper size and orientation.</source>
        <translation>حجم الورق واتجاهه.</translation>
    </message>
    <message>
        <source>Dots per inch of the PNG (and of any raster part of the PDF).</source>
        <translation>عدد النقاط في البوصة لملف PNG (ولأي جزء نقطي في PDF).</translation>
    </message>
    <message>
        <source>Which gaps the table lists first: highest priority or largest area.</source>
        <translation>أي الثغرات يسردها الجدول أولاً: الأعلى أولوية أو الأكبر مساحة.</translation>
    </message>
    <message>
        <source>Draw the bundled border, crossings, settlements, governorates and countries under the analysis layers, and the whole border in the overview.</source>
        <translation>رسم الحدود والمعابر والتجمعات السكانية والمحافظات والدول المضمَّنة تحت طبقات التحليل، والحدود كاملة في الخريطة العامة.</translation>
    </message>
    <message>
        <source>Optional text in a box in the map's lower right corner, e.g. the SENTENCE output of Incidents against gap zones (bordergaps:incidents): 'Incidents per km² are 3.4 times higher in the gaps…'.</source>
        <translation>نص اختياري في إطار في الركن الأيمن السفلي من الخريطة، مثل الناتج SENTENCE من «الحوادث مقارنةً بمناطق الثغرات» (bordergaps:incidents): 'Incidents per km² are 3.4 times higher in the gaps…'.</translation>
    </message>
    <message>
        <source>Where to write the one-page PDF. Give this, the PNG, or both.</source>
        <translation>مكان كتابة ملف PDF ذي الصفحة الواحدة. حدّد هذا أو PNG أو كليهما.</translation>
    </message>
    <message>
        <source>Where to write the PNG image, at the resolution above.</source>
        <translation>مكان كتابة صورة PNG، بالدقة المحددة أعلاه.</translation>
    </message>
    <message>
        <source>Field of the coverage layers and POSTS with the time each source starts watching (HH:MM or hours 0–24). Layers without it watch all day. Empty: no windows.</source>
        <translation>حقل طبقات التغطية وPOSTS الذي يحمل وقت بدء مراقبة كل مصدر (HH:MM أو ساعات 0–24). الطبقات التي ليس فيها هذا الحقل تراقب طوال اليوم. فارغ: بلا فترات.</translation>
    </message>
    <message>
        <source>Field with the time each source stops watching; a window past midnight (18:00–06:00) is allowed, an end equal to the start is the whole day.</source>
        <translation>حقل وقت توقف كل مصدر عن المراقبة؛ تُقبل فترة تتجاوز منتصف الليل (18:00–06:00)، والنهاية المساوية للبداية تعني اليوم كله.</translation>
    </message>
    <message>
        <source>Field with day (sees only in daylight), night or thermal (only in darkness) or any (empty = any).</source>
        <translation>حقل يحمل day (يرى في النهار فقط) أو night أو thermal (في الظلام فقط) أو any (فارغ = any).</translation>
    </message>
    <message>
        <source>Start of daylight, local time: day sensors watch from here to DAY_END.</source>
        <translation>بداية النهار بالتوقيت المحلي: تراقب مستشعرات النهار من هذا الوقت حتى DAY_END.</translation>
    </message>
    <message>
        <source>End of daylight, local time: night sensors watch from here to DAY_START.</source>
        <translation>نهاية النهار بالتوقيت المحلي: تراقب مستشعرات الليل من هذا الوقت حتى DAY_START.</translation>
    </message>
    <message>
        <source>Length of each slice from 00:00; the last one ends at 24:00.</source>
        <translation>طول كل شريحة ابتداءً من 00:00؛ وتنتهي الأخيرة عند 24:00.</translation>
    </message>
    <message>
        <source>The day slice_start and slice_end are dated on (local time). Empty: today.</source>
        <translation>اليوم الذي يؤرَّخ به slice_start وslice_end (بالتوقيت المحلي). فارغ: اليوم الحالي.</translation>
    </message>
    <message>
        <source>GeoNames dumps (.txt or .zip), NGA GNS country files, OpenStreetMap extracts (.osm, .osm.pbf) or CSV tables; several files are merged and their duplicates removed.</source>
        <translation>ملفات تفريغ GeoNames ‏(.txt أو .zip)، أو ملفات دول NGA GNS، أو مقتطفات OpenStreetMap ‏(.osm، .osm.pbf) أو جداول CSV؛ تُدمج الملفات المتعددة وتُزال سجلاتها المكررة.</translation>
    </message>
    <message>
        <source>0 detects each file's format from its content; otherwise every INPUT file is read as this.</source>
        <translation>القيمة 0 تحدّد صيغة كل ملف من محتواه؛ وإلا يُقرأ كل ملف في INPUT بهذه الصيغة.</translation>
    </message>
    <message>
        <source>Optional alternateNamesV2.txt or its ZIP: Arabic and other names of the GeoNames places.</source>
        <translation>ملف alternateNamesV2.txt اختياري أو ملف ZIP الخاص به: الأسماء العربية وغيرها لأماكن GeoNames.</translation>
    </message>
    <message>
        <source>Point layers with settlements (an agency spreadsheet, OCHA/HDX populated places…), any CRS.</source>
        <translation>طبقات نقاط فيها تجمعات سكانية (جدول بيانات لجهة ما، الأماكن المأهولة من OCHA/HDX…)، بأي نظام إحداثيات.</translation>
    </message>
    <message>
        <source>Column or field holding this for CSV tables and SETTLEMENT_LAYERS; empty: the dock's mapping or a guess.</source>
        <translation>العمود أو الحقل الذي يحمل هذه القيمة في جداول CSV وSETTLEMENT_LAYERS؛ فارغ: ربط الحقول في اللوحة أو تخمين.</translation>
    </message>
    <message>
        <source>VALUE=STATUS pairs for codes the built-in words do not know, e.g. '1=inhabited; 2=abandoned; 3=partly returned'. Statuses: inhabited, abandoned, partly returned, unknown.</source>
        <translation>أزواج VALUE=STATUS للرموز التي لا تعرفها الكلمات المدمجة، مثل '1=inhabited; 2=abandoned; 3=partly returned'. الحالات: inhabited وabandoned وpartly returned وunknown.</translation>
    </message>
    <message>
        <source>Geodesic distance to the border line.</source>
        <translation>المسافة الجيوديسية إلى خط الحدود.</translation>
    </message>
    <message>
        <source>Records of different sources with the same name (search form) this close are one place.</source>
        <translation>سجلات المصادر المختلفة التي تحمل الاسم نفسه (بصيغة البحث) وتقع ضمن هذه المسافة تُعدّ مكاناً واحداً.</translation>
    </message>
    <message>
        <source>Also take the bundled Who's On First settlements, de-duplicated against the imported ones.</source>
        <translation>أخذ التجمعات السكانية المضمَّنة من Who's On First أيضاً، بعد إزالة ما يكرر المستوردة منها.</translation>
    </message>
    <message>
        <source>Line for border_km; empty: the bundled Natural Earth Iraq–Syria border.</source>
        <translation>خط لحساب border_km؛ فارغ: الحدود العراقية السورية المضمَّنة من Natural Earth.</translation>
    </message>
    <message>
        <source>Incident points, or a table (CSV) with latitude and longitude columns. An ACLED export is recognised by its columns: event_date, event_type, sub_event_type, fatalities, latitude, longitude, geo_precision.</source>
        <translation>نقاط الحوادث، أو جدول (CSV) فيه عمودا خط العرض وخط الطول. يُتعرَّف على الملف المُصدَّر من ACLED بأعمدته: event_date وevent_type وsub_event_type وfatalities وlatitude وlongitude وgeo_precision.</translation>
    </message>
    <message>
        <source>Field with each incident's date (a date field or text such as '15 January 2024' or 2024-01-15). Empty: event_date (ACLED), date, or the layer's only date field.</source>
        <translation>حقل تاريخ كل حادثة (حقل تاريخ أو نص مثل '15 January 2024' أو 2024-01-15). فارغ: event_date ‏(ACLED) أو date أو حقل التاريخ الوحيد في الطبقة.</translation>
    </message>
    <message>
        <source>Field with each incident's type, for TYPES. Empty for an ACLED export: event_type (and sub_event_type).</source>
        <translation>حقل نوع كل حادثة، من أجل TYPES. فارغ لملف مُصدَّر من ACLED: event_type (وsub_event_type).</translation>
    </message>
    <message>
        <source>Numeric field summed as fatalities. Empty for an ACLED export: fatalities.</source>
        <translation>حقل رقمي يُجمع عدداً للقتلى. فارغ لملف مُصدَّر من ACLED: fatalities.</translation>
    </message>
    <message>
        <source>Only incidents of these types, e.g. 'Explosions/Remote violence, Armed clash' (case is ignored). Empty: all.</source>
        <translation>الحوادث من هذه الأنواع فقط، مثل 'Explosions/Remote violence, Armed clash' (تُهمَل حالة الأحرف). فارغ: الكل.</translation>
    </message>
    <message>
        <source>First day of the period (included). Empty: the first incident's date.</source>
        <translation>أول يوم في الفترة (مشمول). فارغ: تاريخ أول حادثة.</translation>
    </message>
    <message>
        <source>Last day of the period (included). Empty: the last incident's date.</source>
        <translation>آخر يوم في الفترة (مشمول). فارغ: تاريخ آخر حادثة.</translation>
    </message>
    <message>
        <source>ACLED geo_precision: 1 = at the town, 2 = near it or in its district, 3 = only the region. Incidents above this are left out (and counted in the log). Layers without geo_precision keep every incident.</source>
        <translation>geo_precision في ACLED: ‏1 = في البلدة، 2 = قربها أو في قضائها، 3 = المنطقة فقط. تُستبعد الحوادث فوق هذه القيمة (وتُعدّ في السجل). الطبقات التي ليس فيها geo_precision تحتفظ بكل الحوادث.</translation>
    </message>
    <message>
        <source>The gap zones (output of Unmonitored gap zones); each keeps its fields in GAP_INCIDENTS.</source>
        <translation>مناطق الثغرات (ناتج «مناطق الثغرات غير المراقَبة»)؛ تحتفظ كل منها بحقولها في GAP_INCIDENTS.</translation>
    </message>
    <message>
        <source>The seam (output of Seam between two forces; its 'seam' feature is used): the covered seam, the seam outside the gaps, gets a row of its own, and the default study area grows from it.</source>
        <translation>منطقة التماس (ناتج «منطقة التماس بين قوتين»؛ يُستخدم معلمها 'seam'): يحصل التماس المغطّى، أي التماس خارج الثغرات، على صف خاص به، ومنه تتسع منطقة الدراسة الافتراضية.</translation>
    </message>
    <message>
        <source>Polygons where incidents are counted. Empty: the seam (or the gaps) grown by BUFFER_M.</source>
        <translation>المضلعات التي تُعدّ فيها الحوادث. فارغ: منطقة التماس (أو الثغرات) موسَّعة بمقدار BUFFER_M.</translation>
    </message>
    <message>
        <source>Without STUDY_AREA, the study area is the seam (or the gaps) grown by this many metres.</source>
        <translation>من دون STUDY_AREA، تكون منطقة الدراسة منطقة التماس (أو الثغرات) موسَّعة بهذا العدد من الأمتار.</translation>
    </message>
    <message>
        <source>Settlements; those with status = 'abandoned' (every point, if there is no status field) make the 'within 2 km of an abandoned village' row.</source>
        <translation>التجمعات السكانية؛ التي حالتها status = 'abandoned' (أو كل النقاط إن لم يوجد حقل حالة) تكوّن صف 'within 2 km of an abandoned village'.</translation>
    </message>
    <message>
        <source>Radius of the quartic kernel of the density, in metres; at least twice CELL_SIZE.</source>
        <translation>نصف قطر النواة الرباعية (quartic) للكثافة بالأمتار؛ ضعف CELL_SIZE على الأقل.</translation>
    </message>
    <message>
        <source>Side of the density raster's cells, in metres.</source>
        <translation>ضلع خلايا نقطية الكثافة بالأمتار.</translation>
    </message>
    <message>
        <source>HOTSPOT_AREAS covers the cells of the study area whose density is in the top HOTSPOT_PCT %.</source>
        <translation>يغطي HOTSPOT_AREAS خلايا منطقة الدراسة التي تقع كثافتها ضمن أعلى HOTSPOT_PCT %.</translation>
    </message>
    <message>
        <source>Optional PNG chart of the monthly incidents and their trends, for a briefing (needs matplotlib).</source>
        <translation>مخطط PNG اختياري للحوادث الشهرية واتجاهاتها، لإحاطة (يحتاج matplotlib).</translation>
    </message>
    <message>
        <source>Observation posts (points). Fields 'kind' and 'force', when present, are copied to the output.</source>
        <translation>مخافر المراقبة (نقاط). يُنسخ الحقلان 'kind' و'force' إلى الناتج إن وُجدا.</translation>
    </message>
    <message>
        <source>Numeric field with each post's range in metres; empty or non-positive values use DEFAULT_RANGE.</source>
        <translation>حقل رقمي يحمل مدى كل مخفر بالأمتار؛ القيم الفارغة أو غير الموجبة تأخذ DEFAULT_RANGE.</translation>
    </message>
    <message>
        <source>Range in metres of posts without a value in RANGE_FIELD (at most 500 km).</source>
        <translation>المدى بالأمتار للمخافر التي ليس لها قيمة في RANGE_FIELD (على الأكثر 500 km).</translation>
    </message>
    <message>
        <source>Numeric field: azimuth where the post's field of view starts, degrees clockwise from north. The sector runs clockwise from start to end. Needs SECTOR_END_FIELD.</source>
        <translation>حقل رقمي: السمت الذي يبدأ منه مجال رؤية المخفر، بالدرجات باتجاه عقارب الساعة من الشمال. يمتد القطاع باتجاه عقارب الساعة من البداية إلى النهاية. يحتاج SECTOR_END_FIELD.</translation>
    </message>
    <message>
        <source>Numeric field: azimuth where the post's field of view ends, degrees clockwise from north.</source>
        <translation>حقل رقمي: السمت الذي ينتهي عنده مجال رؤية المخفر، بالدرجات باتجاه عقارب الساعة من الشمال.</translation>
    </message>
    <message>
        <source>A GDAL raster file of ground heights in metres (e.g. SRTM, Copernicus DEM). Empty: range discs and sectors, ignoring terrain.</source>
        <translation>ملف نقطي يقرؤه GDAL لارتفاعات الأرض بالأمتار (مثل SRTM وCopernicus DEM). فارغ: دوائر المدى والقطاعات، مع تجاهل التضاريس.</translation>
    </message>
    <message>
        <source>Height of the observer's eye or camera above the ground at the post, in metres.</source>
        <translation>ارتفاع عين الراصد أو الكاميرا فوق الأرض عند المخفر، بالأمتار.</translation>
    </message>
    <message>
        <source>Height above the ground of what must be seen (1.7 m: a standing person; 0: the ground itself).</source>
        <translation>ارتفاع ما يجب رؤيته فوق الأرض (1.7 m: شخص واقف؛ 0: الأرض نفسها).</translation>
    </message>
    <message>
        <source>Lower distant ground by (1 − k)·d²/(2R), refraction k = 0.13: an eye 5 m up sees flat ground to about 8.6 km.</source>
        <translation>خفض الأرض البعيدة بمقدار (1 − k)·d²/(2R)، مع معامل الانكسار k = 0.13: عين على ارتفاع 5 m ترى الأرض المستوية حتى نحو 8.6 km.</translation>
    </message>
    <message>
        <source>One (multi)polygon per post: post_id (the post's feature id), kind, force, range_m, sector, method (range or viewshed), area_km2.</source>
        <translation>مضلع (متعدد) واحد لكل مخفر: post_id (معرِّف معلم المخفر) وkind وforce وrange_m وsector وmethod ‏(range أو viewshed) وarea_km2.</translation>
    </message>
    <message>
        <source>The union of all posts' coverage as one feature (kind, posts, area_km2).</source>
        <translation>اتحاد تغطية كل المخافر معلماً واحداً (kind وposts وarea_km2).</translation>
    </message>
    <message>
        <source>With a DEM: a GeoTIFF (uint16) on the DEM's grid counting the posts that see each cell.</source>
        <translation>مع DEM: ملف GeoTIFF ‏(uint16) على شبكة DEM يعدّ المخافر التي ترى كل خلية.</translation>
    </message>
    <message>
        <source>Polygons to close (e.g. the output of Unmonitored gap zones). Or give SEAM (and COVERAGE) instead.</source>
        <translation>المضلعات المطلوب إغلاقها (مثل ناتج «مناطق الثغرات غير المراقَبة»). أو حدّد SEAM (وCOVERAGE) بدلاً منها.</translation>
    </message>
    <message>
        <source>Used when GAPS is empty: the seam polygons (output of Seam between forces); the target is the seam minus COVERAGE.</source>
        <translation>يُستخدم حين تكون GAPS فارغة: مضلعات منطقة التماس (ناتج «منطقة التماس بين قوتين»)؛ والهدف هو منطقة التماس مطروحاً منها COVERAGE.</translation>
    </message>
    <message>
        <source>Polygons already watched, removed from the SEAM (e.g. the merged output of Coverage from posts).</source>
        <translation>مضلعات مراقَبة أصلاً، تُطرح من SEAM (مثل الناتج المدمج لـ«التغطية من المخافر»).</translation>
    </message>
    <message>
        <source>0: the points of CANDIDATES; 1: a square grid every GRID_SPACING m inside the gaps; 2: local high points of the DEM, at least GRID_SPACING m apart, within RANGE/2 of the gaps.</source>
        <translation>0: نقاط CANDIDATES؛ 1: شبكة مربعة كل GRID_SPACING m داخل الثغرات؛ 2: النقاط المرتفعة المحلية في DEM، متباعدة GRID_SPACING m على الأقل، ضمن RANGE/2 من الثغرات.</translation>
    </message>
    <message>
        <source>Possible sites (CANDIDATE_SOURCE 0): hilltops, pinch points of Crossing corridors, buildings.</source>
        <translation>المواقع الممكنة (CANDIDATE_SOURCE 0): قمم التلال، نقاط الاختناق من «ممرات العبور»، المباني.</translation>
    </message>
    <message>
        <source>Distance between grid candidates (source 1), or the least distance between DEM high points (source 2).</source>
        <translation>المسافة بين مرشحي الشبكة (المصدر 1)، أو أقل مسافة بين النقاط المرتفعة في DEM (المصدر 2).</translation>
    </message>
    <message>
        <source>How many new sites to choose.</source>
        <translation>عدد المواقع الجديدة المراد اختيارها.</translation>
    </message>
    <message>
        <source>How far a new post or drone orbit sees, in metres (at most 500 km).</source>
        <translation>المدى الذي يراه مخفر جديد أو مدار طائرة مسيّرة، بالأمتار (على الأكثر 500 km).</translation>
    </message>
    <message>
        <source>With a DEM each candidate covers only the land it sees within RANGE (needs rasterio); needed for CANDIDATE_SOURCE 2.</source>
        <translation>مع DEM لا يغطي كل مرشح إلا الأرض التي يراها ضمن RANGE (يحتاج rasterio)؛ وهو مطلوب لـ CANDIDATE_SOURCE 2.</translation>
    </message>
    <message>
        <source>Height of the new post's eye or camera above the ground (with a DEM).</source>
        <translation>ارتفاع عين المخفر الجديد أو الكاميرا فوق الأرض (مع DEM).</translation>
    </message>
    <message>
        <source>Height above the ground of what must be seen (with a DEM).</source>
        <translation>ارتفاع ما يجب رؤيته فوق الأرض (مع DEM).</translation>
    </message>
    <message>
        <source>With a DEM: lower distant ground by (1 − k)·d²/(2R), k = 0.13.</source>
        <translation>مع DEM: خفض الأرض البعيدة بمقدار (1 − k)·d²/(2R)، ‏k = 0.13.</translation>
    </message>
    <message>
        <source>0: every km² of gap the same; 1: a gap's cells weigh its area in km² (large gaps first); 2: a gap's cells weigh 1 + the number of SETTLEMENTS inside it.</source>
        <translation>0: كل km² من الثغرات بالقيمة نفسها؛ 1: تُوزن خلايا الثغرة بمساحتها بالـ km² (الثغرات الكبيرة أولاً)؛ 2: تُوزن خلايا الثغرة بـ 1 + عدد SETTLEMENTS داخلها.</translation>
    </message>
    <message>
        <source>Villages and towns, counted inside each gap for WEIGHT 2.</source>
        <translation>القرى والبلدات، تُعدّ داخل كل ثغرة من أجل WEIGHT 2.</translation>
    </message>
    <message>
        <source>Districts held by each force: each chosen site reports the district and force it falls in.</source>
        <translation>الأقضية التي تسيطر عليها كل قوة: يذكر كل موقع مختار القضاء والقوة اللذين يقع فيهما.</translation>
    </message>
    <message>
        <source>Field of CONTROL_AREAS naming the force that holds each district.</source>
        <translation>حقل CONTROL_AREAS الذي يسمّي القوة المسيطرة على كل قضاء.</translation>
    </message>
    <message>
        <source>Field of CONTROL_AREAS naming each district.</source>
        <translation>حقل CONTROL_AREAS الذي يسمّي كل قضاء.</translation>
    </message>
    <message>
        <source>Side of the cells the gaps are counted in, in metres. Automatic: RANGE/12, coarser when the gaps would exceed 2 million cells.</source>
        <translation>ضلع الخلايا التي تُعدّ فيها الثغرات، بالأمتار. تلقائي: RANGE/12، وأخشن إن تجاوزت الثغرات مليوني خلية.</translation>
    </message>
    <message>
        <source>The K sites in the order chosen: rank, candidate, marginal_km2, cumulative_km2, cumulative_pct, gain_weight, district, force.</source>
        <translation>المواقع K بترتيب اختيارها: rank وcandidate وmarginal_km2 وcumulative_km2 وcumulative_pct وgain_weight وdistrict وforce.</translation>
    </message>
    <message>
        <source>What each chosen site covers (rank, area_km2, gap_km2).</source>
        <translation>ما يغطيه كل موقع مختار (rank وarea_km2 وgap_km2).</translation>
    </message>
    <message>
        <source>The gaps minus the new coverage, one feature per part (gap_id, area_km2).</source>
        <translation>الثغرات مطروحاً منها التغطية الجديدة، معلم لكل جزء (gap_id وarea_km2).</translation>
    </message>
</context>
<context>
    <name>BorderRegionDockBase</name>
    <message>
        <source>Border region</source>
        <translation>منطقة الحدود</translation>
    </message>
    <message>
        <source>Villages</source>
        <translation>القرى</translation>
    </message>
    <message>
        <source>Crossings</source>
        <translation>المعابر</translation>
    </message>
    <message>
        <source>Side</source>
        <translation>الجانب</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>الحالة</translation>
    </message>
    <message>
        <source>Governorate</source>
        <translation>المحافظة</translation>
    </message>
    <message>
        <source>Within</source>
        <translation>ضمن</translation>
    </message>
    <message>
        <source> km of the border</source>
        <translation> كم من الحدود</translation>
    </message>
    <message>
        <source>Inside</source>
        <translation>داخل</translation>
    </message>
    <message>
        <source>Source</source>
        <translation>المصدر</translation>
    </message>
    <message>
        <source>Search names: English, Arabic, alternate spellings</source>
        <translation>البحث في الأسماء: بالإنكليزية أو العربية أو بتهجئات أخرى</translation>
    </message>
    <message>
        <source>Export list</source>
        <translation>تصدير القائمة</translation>
    </message>
    <message>
        <source>Fields…</source>
        <translation>الحقول…</translation>
    </message>
    <message>
        <source>Admin-2 district (qada, mantiqah): from the layer's district field, else the bundled districts' shapes</source>
        <translation>القضاء أو المنطقة (المستوى الإداري الثاني): من حقل القضاء في الطبقة، وإلا من حدود الأقضية المضمَّنة</translation>
    </message>
    <message>
        <source>Case, accents, harakat, apostrophes and the article al-/el- are ignored: Ba'aj, Baaj and Al-Ba`aj find the same place</source>
        <translation>تُهمَل حالة الأحرف والعلامات والحركات والفواصل العليا وأداة التعريف al-/el-: ‏Ba'aj و‏Baaj و‏Al-Ba`aj تجد المكان نفسه</translation>
    </message>
    <message>
        <source>District</source>
        <translation>القضاء</translation>
    </message>
    <message>
        <source>Only features inside the polygons of this layer (e.g. an Unmonitored gap zones output)</source>
        <translation>المعالم الواقعة داخل مضلعات هذه الطبقة فقط (مثل ناتج «مناطق الثغرات غير المراقَبة»)</translation>
    </message>
    <message>
        <source>The bundled crossings layer, or any point layer of the project</source>
        <translation>طبقة المعابر المضمَّنة، أو أي طبقة نقاط في المشروع</translation>
    </message>
    <message>
        <source>The bundled settlements layer, or any point layer of the project</source>
        <translation>طبقة التجمعات السكانية المضمَّنة، أو أي طبقة نقاط في المشروع</translation>
    </message>
    <message>
        <source>Which fields hold the name, Arabic name, side and status of this layer</source>
        <translation>أيّ الحقول تحمل الاسم والاسم العربي والجانب والحالة في هذه الطبقة</translation>
    </message>
    <message>
        <source>Write the features shown to a CSV file (UTF-8) or to a new layer</source>
        <translation>كتابة المعالم المعروضة إلى ملف CSV ‏(UTF-8) أو إلى طبقة جديدة</translation>
    </message>
</context>
</TS>
