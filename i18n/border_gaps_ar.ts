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
