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
