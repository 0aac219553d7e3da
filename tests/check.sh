#!/usr/bin/env bash
# The whole test suite, as `make check` runs it: unit tests (cmocka),
# black-box tests of the CGI and end-to-end logins against the real
# provider (node's test runner), the request-level suites once more with
# the binary as a FastCGI responder -- first with the normal build, then
# all of it again with the ASan+UBSan build.  Ends with "N passed, N failed".
set -u
cd "$(dirname "$0")/.."
mkdir -p tests/out
start=$(date +%s)
total_pass=0 total_fail=0

count() { # file label exit-status -> adds its top-level TAP results
	local p f
	p=$(grep -cE '^ok ' "$1")
	f=$(grep -cE '^not ok ' "$1")
	# A binary that crashed or exited non-zero without saying why fails.
	if [ "$3" -ne 0 ] && [ "$f" -eq 0 ]; then
		f=1
		echo "  $2 exited with status $3:"; tail -20 "$1" | sed 's/^/    /'
	elif [ "$3" -eq 124 ] || [ "$3" -eq 137 ]; then
		echo "  $2 was stopped by its timeout (status $3) after:"
		grep -E '^(not )?ok ' "$1" | tail -2 | sed 's/^/    /'
	fi
	total_pass=$((total_pass + p)); total_fail=$((total_fail + f))
	echo "  $2: $p passed, $f failed"
	[ "$f" -eq 0 ] || why "$1"
	# a provider whose start stalled and was started again (harness.mjs)
	grep -h 'starting it again' "$1" | head -5 | sed 's/^/    retried: /' || true
}

# What each failed test said: its line and the start of its diagnostic
# block (node's TAP: the error, its expected/actual, where it was thrown).
why() {
	awk '/^not ok /{ print "    " $0; n = 1; next }
	    n && /^  \.\.\.$/ { n = 0 } n && n++ <= 24 { print "      " $0 }' "$1"
}

# A test that hangs fails alone after JO_TEST_TIMEOUT ms (the longest
# takes ~45 s here) instead of holding its pass until the pass's timeout,
# and a test file whose tests are done ends even if something it started
# is still alive.
node_test=(node --test --test-reporter=tap --test-concurrency=1)
node_help=$(node --help 2>/dev/null)
case $node_help in *--test-timeout*)
	node_test+=(--test-timeout="${JO_TEST_TIMEOUT:-240000}");; esac
case $node_help in *--test-force-exit*) node_test+=(--test-force-exit);; esac
since() { echo "    ($(( $(date +%s) - $1 )) s)"; }

pass() { # label build-dir cgi
	local label=$1 build=$2 cgi=$3 t name t0
	echo "== $label build"
	for t in "$build"/test_*; do
		name=$(basename "$t")
		CMOCKA_MESSAGE_OUTPUT=TAP "$t" > "tests/out/$label-$name.tap" 2>&1
		count "tests/out/$label-$name.tap" "unit/$name" $?
	done
	t0=$(date +%s)
	JO_CGI=$cgi JO_SEALTOOL=$build/sealtool timeout -k 10 1500 "${node_test[@]}" \
	    $(suites cgi) > "tests/out/$label-node.tap" 2>&1
	count "tests/out/$label-node.tap" "blackbox+e2e (node)" $?; since "$t0"
	# The same request-level suites with the binary as a FastCGI responder.
	t0=$(date +%s)
	JO_MODE=fastcgi JO_CGI=$cgi JO_SEALTOOL=$build/sealtool timeout -k 10 1500 "${node_test[@]}" \
	    $(suites fastcgi) > "tests/out/$label-fastcgi.tap" 2>&1
	count "tests/out/$label-fastcgi.tap" "the same as FastCGI (node)" $?; since "$t0"
}
# The suites of a pass, from the one list (tests/suites).
suites() {
	awk -v m="$1" '!/^#/ && NF { for (i = 2; i <= NF; i++) if ($i == m) print "tests/" $1 ".test.mjs" }' tests/suites
}

tests/deps.sh || exit 1

pass normal build cgi-bin/jitsi-oidc
if [ "${JO_SKIP_SANITIZE:-0}" != 1 ]; then
	export ASAN_OPTIONS=detect_leaks=1:exitcode=23:abort_on_error=0
	export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
	export JO_SANITIZED=1
	pass sanitize build-san build-san/jitsi-oidc
fi
# libFuzzer: replay the committed corpora, then fuzz each target for
# JO_FUZZ_SECONDS (60).  JO_FUZZ_SECONDS=0 replays the corpora only.
if [ "${JO_SKIP_FUZZ:-0}" != 1 ]; then
	echo "== fuzz (${JO_FUZZ_SECONDS:-60} s a target)"
	t0=$(date +%s)
	tests/fuzz/run.sh > tests/out/fuzz.tap 2>&1
	count tests/out/fuzz.tap "libFuzzer targets" $?; since "$t0"
fi

# The black-box, attack and end-to-end tests once more, every run of the
# CGI under valgrind (memory errors and definite or possible leaks fail).
if [ "${JO_SKIP_VALGRIND:-0}" != 1 ]; then
	unset ASAN_OPTIONS UBSAN_OPTIONS JO_SANITIZED
	echo "== valgrind"
	t0=$(date +%s)
	JO_CGI=cgi-bin/jitsi-oidc JO_SEALTOOL=build/sealtool \
	    JO_CGI_WRAPPER="valgrind --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite,possible --quiet" \
	    timeout -k 10 1800 "${node_test[@]}" $(suites valgrind) > tests/out/valgrind-node.tap 2>&1
	count tests/out/valgrind-node.tap "the valgrind suites of tests/suites under valgrind" $?; since "$t0"
fi
echo
echo "$total_pass passed, $total_fail failed ($(( $(date +%s) - start )) s)"
[ "$total_fail" -eq 0 ] && [ "$total_pass" -gt 0 ]
