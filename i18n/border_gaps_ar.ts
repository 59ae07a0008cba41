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
</context>
</TS>
