#!/usr/bin/env bash
# Replay each libFuzzer target's committed corpus, then fuzz it for
# JO_FUZZ_SECONDS (default 60).  New inputs go to tests/out/fuzz/<target>;
# a crash, leak or sanitizer report fails (its input is kept there too).
# Prints a TAP line per target.
set -u
cd "$(dirname "$0")/../.."
secs=${JO_FUZZ_SECONDS:-60}
n=0
for bin in build-fuzz/fuzz_*; do
	t=${bin#build-fuzz/fuzz_}
	n=$((n + 1))
	out=tests/out/fuzz/$t
	mkdir -p "$out"
	log=tests/out/fuzz-$t.log
	if "$bin" -runs=0 -artifact_prefix="$out/" tests/fuzz/corpus/"$t" > "$log" 2>&1 &&
	    { [ "$secs" -eq 0 ] || "$bin" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
	    -max_len=65536 -artifact_prefix="$out/" "$out" tests/fuzz/corpus/"$t" >> "$log" 2>&1; }; then
		echo "ok $n - fuzz $t: corpus replayed, $secs s fuzzed, $(grep -o 'stat::number_of_executed_units: [0-9]*' "$log" | tail -1 | awk '{print $2}') runs"
	else
		echo "not ok $n - fuzz $t (see $log)"
		grep -E 'ERROR|SUMMARY|Test unit written' "$log" | head -5 | sed 's/^/#   /'
	fi
done
echo "1..$n"
