#!/usr/bin/env bash
# The Border Gaps demo (`make demo`): gap zones on the bundled, synthetic demo scenario
# around Sinjar, Rabia, Zumar and Tal Afar, then the briefing map, both through
# qgis_process exactly as an analyst would run them. Writes demo/out/gaps.gpkg,
# demo/out/border_gaps_map.pdf and demo/out/border_gaps_map.png and prints the numbers; then the
# gaps through the day from the posts' and coverage's (synthetic) shift windows and sensor kinds:
# demo/out/gaps_by_time.gpkg, unwatched_hours.gpkg, always_gap.gpkg, gap_profile.csv and the
# chart gap_profile.png (gap km² per hour); then the atlas (page 1 the map, a page per gap; GeoPDF where
# QGIS can write it): demo/out/border_gaps_atlas.pdf and its page 2 as border_gaps_atlas_p2.png, and
# the field files demo/out/border_gaps_field.kmz and border_gaps_field.gpx.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
out="${BORDER_GAPS_DEMO_OUT:-$root/demo/out}"
data="$root/resources/data"
scenario="$data/demo_scenario.gpkg"
region="$data/border_region.gpkg"
dpi="${BORDER_GAPS_DEMO_DPI:-150}"
for f in "$scenario" "$region"; do
  if [ ! -f "$f" ]; then
    echo "demo: $f is missing: run \`make data\` (or reinstall the plugin)." >&2
    exit 1
  fi
done
mkdir -p "$out"
# Only our own outputs are replaced.
rm -f "$out/gaps.gpkg" "$out/border_gaps_map.pdf" "$out/border_gaps_map.png"
rm -f "$out/gaps_by_time.gpkg" "$out/unwatched_hours.gpkg" "$out/always_gap.gpkg" "$out/gap_profile.csv" "$out/gap_profile.png"
rm -f "$out/border_gaps_atlas.pdf" "$out/border_gaps_atlas_p2.png" "$out/border_gaps_field.kmz" "$out/border_gaps_field.gpx"
log="$(mktemp -d)"
trap 'rm -rf "$log"' EXIT

run() {  # run ALGORITHM KEY=VALUE...: qgis_process --json, the JSON saved in $log/ALGORITHM.json
  local alg="$1"; shift
  local name="${alg#bordergaps:}"
  if ! bash scripts/qgis_process.sh --json run "$alg" -- "$@" >"$log/$name.out" 2>"$log/$name.err"; then
    echo "demo: $alg failed:" >&2
    tail -n 30 "$log/$name.out" "$log/$name.err" >&2
    exit 1
  fi
  sed -n '/^{/,$p' "$log/$name.out" >"$log/$name.json"
}

echo "demo: 1/5 bordergaps:gapzones (Peshmerga | ISF seam, synthetic control areas, posts and coverage)"
run bordergaps:gapzones \
  "CONTROL_AREAS=$scenario|layername=control_areas|option:IMMUTABLE=YES" FORCE_FIELD=force FORCE_A=Peshmerga FORCE_B=ISF \
  "COVERAGE=$scenario|layername=coverage|option:IMMUTABLE=YES" "POSTS=$scenario|layername=posts|option:IMMUTABLE=YES" RANGE_FIELD=range_m \
  DEFAULT_RANGE=3000 SEAM_DISTANCE=5000 MODE=0 MIN_AREA=100000 \
  "SETTLEMENTS=$region|layername=settlements|option:IMMUTABLE=YES" "BORDER=$region|layername=border|option:IMMUTABLE=YES" \
  "OUTPUT=$out/gaps.gpkg"

echo "demo: 2/5 bordergaps:exportmap"
run bordergaps:exportmap \
  "GAPS=$out/gaps.gpkg" \
  "EXTRA_LAYERS=$scenario|layername=posts|option:IMMUTABLE=YES" "EXTRA_LAYERS=$scenario|layername=coverage|option:IMMUTABLE=YES" \
  "EXTRA_LAYERS=$scenario|layername=control_areas|option:IMMUTABLE=YES" \
  "TITLE=Unmonitored gap zones between Peshmerga and ISF: Sinjar – Rabia – Zumar" \
  "SUBTITLE=Seam 5 km either side of the two forces' districts, minus post and patrol coverage. DEMO: synthetic positions." \
  PAGE=0 SORT_KEY=0 "DPI=$dpi" INCLUDE_BORDER_REGION=true \
  "OUTPUT_PDF=$out/border_gaps_map.pdf" "OUTPUT_PNG=$out/border_gaps_map.png"

echo "demo: 3/5 bordergaps:gaptimeline (the same seam through the day: shift windows and day/night sensors)"
run bordergaps:gaptimeline \
  "CONTROL_AREAS=$scenario|layername=control_areas|option:IMMUTABLE=YES" FORCE_FIELD=force FORCE_A=Peshmerga FORCE_B=ISF \
  "COVERAGE=$scenario|layername=coverage|option:IMMUTABLE=YES" "POSTS=$scenario|layername=posts|option:IMMUTABLE=YES" RANGE_FIELD=range_m \
  DEFAULT_RANGE=3000 SEAM_DISTANCE=5000 MODE=0 MIN_AREA=100000 ACTIVE_FROM_FIELD=active_from ACTIVE_TO_FIELD=active_to \
  SENSOR_FIELD=sensor DAY_START=06:00 DAY_END=18:00 TIME_STEP_MIN=60 \
  "BORDER=$region|layername=border|option:IMMUTABLE=YES" \
  "GAPS_BY_TIME=$out/gaps_by_time.gpkg" "UNWATCHED_HOURS=$out/unwatched_hours.gpkg" "ALWAYS_GAP=$out/always_gap.gpkg" \
  "SLICE_TABLE=$out/gap_profile.csv"
/usr/bin/python3 scripts/gap_profile_chart.py "$out/gap_profile.csv" "$out/gap_profile.png" \
  "Unmonitored gap area through the day, Peshmerga | ISF seam (synthetic demo)"

echo "demo: 4/5 bordergaps:exportatlas (page 1 the map, then a page per gap)"
run bordergaps:exportatlas \
  "GAPS=$out/gaps.gpkg" \
  "EXTRA_LAYERS=$scenario|layername=posts|option:IMMUTABLE=YES" "EXTRA_LAYERS=$scenario|layername=coverage|option:IMMUTABLE=YES" \
  "EXTRA_LAYERS=$scenario|layername=control_areas|option:IMMUTABLE=YES" \
  "TITLE=Unmonitored gap zones between Peshmerga and ISF: Sinjar – Rabia – Zumar" \
  "SUBTITLE=Seam 5 km either side of the two forces' districts, minus post and patrol coverage. DEMO: synthetic positions." \
  PAGE=0 SORT_KEY=0 TOP_N=0 "DPI=$dpi" INCLUDE_BORDER_REGION=true "OUTPUT_PDF=$out/border_gaps_atlas.pdf"
pdftoppm -f 2 -l 2 -r "$dpi" -png -singlefile "$out/border_gaps_atlas.pdf" "$out/border_gaps_atlas_p2"

echo "demo: 5/5 bordergaps:exportfield (KMZ and GPX for the field)"
run bordergaps:exportfield \
  "GAPS=$out/gaps.gpkg" "POSTS=$scenario|layername=posts|option:IMMUTABLE=YES" INCLUDE_BORDER_REGION=true \
  NEAR_DISTANCE=25000 SIMPLIFY=20 "TITLE=Border Gaps demo (synthetic): Peshmerga | ISF seam" \
  "OUTPUT_KMZ=$out/border_gaps_field.kmz" "OUTPUT_GPX=$out/border_gaps_field.gpx"

/usr/bin/env python3 - "$log/gapzones.json" "$out" "$log/gaptimeline.json" <<'PY'
import json
import os
import sys

results = json.load(open(sys.argv[1], encoding="utf-8"))["results"]
out = sys.argv[2]


def number(key, digits=1):
    value = results.get(key)
    return "n/a" if value is None else f"{float(value):,.{digits}f}"


print()
print("Border Gaps demo (synthetic scenario): Peshmerga | ISF seam")
print(f"  seam area           {number('SEAM_AREA_KM2'):>10} km²")
print(f"  covered             {number('COVERED_PCT'):>10} %   ({number('COVERED_AREA_KM2')} km²)")
print(f"  gap zones           {number('GAP_COUNT', 0):>10}")
print(f"  gap area            {number('GAP_AREA_KM2'):>10} km²")
print(f"  largest gap         {number('LARGEST_GAP_KM2'):>10} km²")
print()
timeline = json.load(open(sys.argv[3], encoding="utf-8"))["results"]
print("  through the day (shift windows, day/night sensors):")
print(f"  worst hour          {timeline.get('WORST_SLICE_LABEL', 'n/a'):>10}   ({float(timeline['WORST_GAP_KM2']):,.1f} km² of gaps)")
print(f"  never watched       {float(timeline['ALWAYS_GAP_KM2']):>10,.1f} km²")
print()
for name in (
    "gaps.gpkg",
    "border_gaps_map.pdf",
    "border_gaps_map.png",
    "gaps_by_time.gpkg",
    "unwatched_hours.gpkg",
    "always_gap.gpkg",
    "gap_profile.csv",
    "gap_profile.png",
    "border_gaps_atlas.pdf",
    "border_gaps_atlas_p2.png",
    "border_gaps_field.kmz",
    "border_gaps_field.gpx",
):
    path = os.path.join(out, name)
    print(f"  wrote {path} ({os.path.getsize(path) / 1024:,.0f} KiB)")
PY
