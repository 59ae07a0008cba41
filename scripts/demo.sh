#!/usr/bin/env bash
# The Border Gaps demo (`make demo`): gap zones on the bundled, synthetic demo scenario
# around Sinjar, Rabia, Zumar and Tal Afar, then the briefing map, both through
# qgis_process exactly as an analyst would run them. Writes demo/out/gaps.gpkg,
# demo/out/border_gaps_map.pdf and demo/out/border_gaps_map.png and prints the numbers; then the
# gaps through the day from the posts' and coverage's (synthetic) shift windows and sensor kinds:
# demo/out/gaps_by_time.gpkg, unwatched_hours.gpkg, always_gap.gpkg, gap_profile.csv and the
# chart gap_profile.png (gap km² per hour); then who answers for each gap (bordergaps:coordination:
# demo/out/gap_response.gpkg, responsibility.gpkg, handover.gpkg, links.gpkg) and its map,
# demo/out/coordination_map.pdf and .png; then drone sorties from the posts over the gaps
# (demo/out/sorties.gpkg, lanes.gpkg, surveyed.gpkg) and their map (demo/out/drone_sorties_map.png);
# then the synthetic incidents against those gaps (demo/out/incidents/) and their hot-spot map.
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
coordination_outputs=(gap_response.gpkg responsibility.gpkg handover.gpkg links.gpkg coordination_map.pdf coordination_map.png)
for f in "${coordination_outputs[@]}"; do rm -f "$out/$f"; done
rm -f "$out/sorties.gpkg" "$out/lanes.gpkg" "$out/surveyed.gpkg" "$out/drone_sorties_map.png"
rm -rf "$out/incidents"
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

echo "demo: 1/10 bordergaps:gapzones (Peshmerga | ISF seam, synthetic control areas, posts and coverage)"
run bordergaps:gapzones \
  "CONTROL_AREAS=$scenario|layername=control_areas|option:IMMUTABLE=YES" FORCE_FIELD=force FORCE_A=Peshmerga FORCE_B=ISF \
  "COVERAGE=$scenario|layername=coverage|option:IMMUTABLE=YES" "POSTS=$scenario|layername=posts|option:IMMUTABLE=YES" RANGE_FIELD=range_m \
  DEFAULT_RANGE=3000 SEAM_DISTANCE=5000 MODE=0 MIN_AREA=100000 \
  "SETTLEMENTS=$region|layername=settlements|option:IMMUTABLE=YES" "BORDER=$region|layername=border|option:IMMUTABLE=YES" \
  "OUTPUT=$out/gaps.gpkg"

echo "demo: 2/10 bordergaps:exportmap"
run bordergaps:exportmap \
  "GAPS=$out/gaps.gpkg" \
  "EXTRA_LAYERS=$scenario|layername=posts|option:IMMUTABLE=YES" "EXTRA_LAYERS=$scenario|layername=coverage|option:IMMUTABLE=YES" \
  "EXTRA_LAYERS=$scenario|layername=control_areas|option:IMMUTABLE=YES" \
  "TITLE=Unmonitored gap zones between Peshmerga and ISF: Sinjar – Rabia – Zumar" \
  "SUBTITLE=Seam 5 km either side of the two forces' districts, minus post and patrol coverage. DEMO: synthetic positions." \
  PAGE=0 SORT_KEY=0 "DPI=$dpi" INCLUDE_BORDER_REGION=true \
  "OUTPUT_PDF=$out/border_gaps_map.pdf" "OUTPUT_PNG=$out/border_gaps_map.png"

echo "demo: 3/10 bordergaps:gaptimeline (the same seam through the day: shift windows and day/night sensors)"
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

echo "demo: 4/10 bordergaps:coordination (who answers for each gap: Peshmerga and ISF posts, straight-line travel at 15 km/h)"
run bordergaps:coordination \
  "GAPS=$out/gaps.gpkg" "POSTS=$scenario|layername=posts|option:IMMUTABLE=YES" FORCE_FIELD=force \
  FORCE_A=Peshmerga FORCE_B=ISF POST_NAME_FIELD=name SPEED_KMH=15 MAX_RESPONSE_MIN=60 \
  "GAP_RESPONSE=$out/gap_response.gpkg" "RESPONSIBILITY=$out/responsibility.gpkg" \
  "HANDOVER=$out/handover.gpkg" "LINKS=$out/links.gpkg"

# the layers are styled by their names (resources/styles/responsibility.qml, handover.qml, links.qml)
echo "demo: 5/10 bordergaps:exportmap (the coordination map)"
run bordergaps:exportmap \
  "GAPS=$out/gaps.gpkg" \
  "EXTRA_LAYERS=$out/links.gpkg" "EXTRA_LAYERS=$out/handover.gpkg" \
  "EXTRA_LAYERS=$scenario|layername=posts|option:IMMUTABLE=YES" "EXTRA_LAYERS=$out/responsibility.gpkg" \
  "TITLE=Who answers for each gap: Peshmerga and ISF posts, handover line and links" \
  "SUBTITLE=Area each post reaches first (15 km/h), handover line, posts sharing a gap. DEMO: synthetic positions." \
  PAGE=0 SORT_KEY=0 "DPI=$dpi" INCLUDE_BORDER_REGION=true \
  "OUTPUT_PDF=$out/coordination_map.pdf" "OUTPUT_PNG=$out/coordination_map.png"

echo "demo: 6/10 bordergaps:dronesorties (6 sorties from the posts, 120 km endurance, 800 m swath, staying in Iraq)"
run bordergaps:dronesorties \
  "GAPS=$out/gaps.gpkg" "BASES=$scenario|layername=posts|option:IMMUTABLE=YES" BASE_NAME_FIELD=name \
  ENDURANCE_KM=120 SWATH_M=800 MAX_SORTIES=6 MAX_PER_BASE=0 BORDER_NO_FLY=true WEIGHT=1 SPEED_KMH=100 \
  "SORTIES=$out/sorties.gpkg" "LANES=$out/lanes.gpkg" "SURVEYED=$out/surveyed.gpkg"

echo "demo: 7/10 bordergaps:exportmap (the sorties)"
run bordergaps:exportmap \
  "GAPS=$out/gaps.gpkg" \
  "EXTRA_LAYERS=$scenario|layername=posts|option:IMMUTABLE=YES" "EXTRA_LAYERS=$out/surveyed.gpkg" \
  "EXTRA_LAYERS=$out/lanes.gpkg" "EXTRA_LAYERS=$out/sorties.gpkg" \
  "EXTRA_LAYERS=$scenario|layername=control_areas|option:IMMUTABLE=YES" \
  "TITLE=Drone sorties over the gap zones: Sinjar – Rabia – Zumar" \
  "SUBTITLE=Six sorties from the posts, at most 120 km each, lanes 800 m apart, never across the border. DEMO: synthetic." \
  PAGE=0 SORT_KEY=0 "DPI=$dpi" INCLUDE_BORDER_REGION=true "OUTPUT_PNG=$out/drone_sorties_map.png"

inc="$out/incidents"
mkdir -p "$inc"
echo "demo: 8/10 bordergaps:seamzones (for the covered-seam row and the study area)"
run bordergaps:seamzones \
  "CONTROL_AREAS=$scenario|layername=control_areas|option:IMMUTABLE=YES" FORCE_FIELD=force FORCE_A=Peshmerga FORCE_B=ISF \
  SEAM_DISTANCE=5000 "OUTPUT=$inc/seam.gpkg"

echo "demo: 9/10 bordergaps:incidents (synthetic ACLED-style incidents 2023-2025)"
run bordergaps:incidents \
  "INCIDENTS=$scenario|layername=incidents|option:IMMUTABLE=YES" "GAPS=$out/gaps.gpkg" "SEAM=$inc/seam.gpkg" \
  "SETTLEMENTS=$scenario|layername=abandoned_villages|option:IMMUTABLE=YES" MAX_PRECISION=2 BUFFER_M=10000 \
  BANDWIDTH_M=5000 CELL_SIZE=500 HOTSPOT_PCT=5 \
  "GAP_INCIDENTS=$inc/gap_incidents.gpkg" "COMPARISON=$inc/comparison.gpkg" "HOTSPOTS=$inc/hotspots.tif" \
  "HOTSPOT_AREAS=$inc/hotspot_areas.gpkg" "TREND=$inc/trend.gpkg" "TREND_CHART=$inc/trend.png"
sentence="$(/usr/bin/env python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["results"]["SENTENCE"])' "$log/incidents.json")"

echo "demo: 10/10 bordergaps:exportmap (hot spots and the comparison)"
run bordergaps:exportmap \
  "GAPS=$inc/gap_incidents.gpkg" "EXTRA_LAYERS=$inc/hotspot_areas.gpkg" \
  "EXTRA_LAYERS=$scenario|layername=incidents|option:IMMUTABLE=YES" \
  "EXTRA_LAYERS=$scenario|layername=abandoned_villages|option:IMMUTABLE=YES" \
  "EXTRA_LAYERS=$scenario|layername=control_areas|option:IMMUTABLE=YES" \
  "TITLE=Incidents against the gap zones: Sinjar – Rabia – Zumar, 2023–2025" \
  "SUBTITLE=Hot spots: the densest 5 % of the study area (quartic kernel, 5 km). DEMO: synthetic incidents." \
  "NOTE=$sentence" PAGE=0 SORT_KEY=0 "DPI=$dpi" INCLUDE_BORDER_REGION=true \
  "OUTPUT_PDF=$inc/incidents_map.pdf" "OUTPUT_PNG=$inc/incidents_map.png"

/usr/bin/env python3 - "$log/gapzones.json" "$out" "$log/gaptimeline.json" "$log/coordination.json" "$log/dronesorties.json" "$log/incidents.json" <<'PY'
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
drones = json.load(open(sys.argv[5], encoding="utf-8"))["results"]
print()
print("Drone sorties from the posts (120 km, 800 m swath, 6 sorties, staying in Iraq)")
print(f"  sorties             {float(drones['SORTIE_COUNT']):>10,.0f}")
print(f"  gap area surveyed   {float(drones['SURVEYED_KM2']):>10,.1f} km²  ({float(drones['SURVEYED_PCT']):.1f} % of the gaps)")
print(f"  weight surveyed     {float(drones['WEIGHTED_PCT']):>10,.1f} %   (km² × priority)")
print()
coordination = json.load(open(sys.argv[4], encoding="utf-8"))["results"]
print("Who answers for each gap (bordergaps:coordination; answering post of each force, minutes to the gap's worst point)")
import sqlite3  # noqa: E402 (the GeoPackage is SQLite: no GIS library needed to list it)

with sqlite3.connect(os.path.join(out, "gap_response.gpkg")) as db:
    rows = db.execute(
        "SELECT gap_id, a_post, a_minutes, b_post, b_minutes, joint, orphan FROM gap_response ORDER BY gap_id"
    ).fetchall()
for gap_id, a_post, a_min, b_post, b_min, joint, orphan in rows:
    if a_min is None or b_min is None:
        print(f"  gap {gap_id:>3}  outside the study area: no answer")
        continue
    state = "joint" if joint else ("ORPHAN" if orphan else "one force within 60 min")
    print(f"  gap {gap_id:>3}  {a_post} {a_min:5.1f} min | {b_post} {b_min:5.1f} min  {state}")
print(f"  joint gaps          {coordination.get('JOINT_GAPS', 0):>10}")
print(f"  orphan gaps         {coordination.get('ORPHAN_GAPS', 0):>10}   ({float(coordination.get('ORPHAN_KM2') or 0):,.1f} km²)")
print(f"  links between posts {coordination.get('LINK_COUNT', 0):>10}")
print(f"  worst first response{float(coordination.get('WORST_MINUTES') or 0):>10.1f} min")
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
    "gap_response.gpkg",
    "responsibility.gpkg",
    "handover.gpkg",
    "links.gpkg",
    "coordination_map.pdf",
    "coordination_map.png",
    "sorties.gpkg",
    "lanes.gpkg",
    "surveyed.gpkg",
    "drone_sorties_map.png",
):
    path = os.path.join(out, name)
    print(f"  wrote {path} ({os.path.getsize(path) / 1024:,.0f} KiB)")

incidents = json.load(open(sys.argv[6], encoding="utf-8"))["results"]
print()
print("Incidents against the gaps (synthetic incidents, 2023-2025)")
print(f"  incidents analysed  {incidents['INCIDENTS_USED']:>10,}   ({incidents['INCIDENTS_IN_GAPS']:,} in the gaps)")
print(
    f"  rate ratio          {incidents['RATE_RATIO']:>10.2f}   (95 % CI {incidents['RATE_RATIO_LOW']:.2f}-"
    f"{incidents['RATE_RATIO_HIGH']:.2f}, p = {incidents['P_VALUE']:.2g})"
)
print(f"  hot spot areas      {incidents['HOTSPOT_COUNT']:>10}")
print(f"  {incidents['SENTENCE']}")
print(f"  {incidents['TREND_SENTENCE']}")
for name in ("gap_incidents.gpkg", "comparison.gpkg", "hotspots.tif", "hotspot_areas.gpkg", "trend.gpkg", "trend.png",
             "incidents_map.pdf", "incidents_map.png"):
    path = os.path.join(out, "incidents", name)
    print(f"  wrote {path} ({os.path.getsize(path) / 1024:,.0f} KiB)")
PY
