#!/usr/bin/env bash
# The whole test suite, as `make check` runs it: unit tests (cmocka),
# black-box tests of the CGI and end-to-end logins against the real
# provider (node's test runner), the request-level suites once more with
# the binary as a FastCGI responder -- first with the normal build, then
# all of it again with the ASan+UBSan build; the valgrind pass; then the
# README's quick start in a clean Debian root with the fuzzers beside it.
# Ends with "N passed, N failed".
#
# Node: the normal build's CGI pass runs under Debian bookworm's own
# Node.js 18 (tests/debian-node.sh: the machine's node on stock Debian,
# else Debian's package unpacked beside it), every other pass under the
# machine's node; each pass says which.  JO_DEBIAN_NODE=0 runs them all
# under the machine's node.
#
# Every test file runs in a node process of its own and is counted on
# its own: a file registers all of its tests in every mode (one that does
# not apply is skipped), so its count (ok + not ok, skips included) in
# every pass must equal its count in the normal build's CGI pass, and a
# file cut short fails by name even when nothing in it failed.
set -u
cd "$(dirname "$0")/.."
# Run from inside a node test (tests/checkcount.test.mjs), node would take
# each file for a nested run and skip it.
unset NODE_TEST_CONTEXT
mkdir -p tests/out
start=$(date +%s)
total_pass=0 total_fail=0
declare -A ref=()	# file -> its count in the reference (normal CGI) pass

tally() { # file label exit-status -> p f (its top-level TAP results)
	p=$(grep -cE '^ok ' "$1")
	f=$(grep -cE '^not ok ' "$1")
	# A binary or file that crashed or exited non-zero without saying why fails.
	if [ "$3" -ne 0 ] && [ "$f" -eq 0 ]; then
		f=1
		echo "  $2 exited with status $3:"; tail -20 "$1" | sed 's/^/    /'
	elif [ "$3" -eq 124 ] || [ "$3" -eq 137 ]; then
		echo "  $2 was stopped by its timeout (status $3) after:"
		grep -E '^(not )?ok ' "$1" | tail -2 | sed 's/^/    /'
	fi
}
count() { # file label exit-status
	local p f
	tally "$@"
	total_pass=$((total_pass + p)); total_fail=$((total_fail + f))
	echo "  $2: $p passed, $f failed"
	[ "$f" -eq 0 ] || why "$1"
}

# What each failed test said: its line and the start of its diagnostic
# block (node's TAP: the error, its expected/actual, where it was thrown).
why() {
	awk '/^not ok /{ print "    " $0; n = 1; next }
	    n && /^  \.\.\.$/ { n = 0 } n && n++ <= 24 { print "      " $0 }' "$1"
}

# No --test-force-exit: it ends a file's process with process.exit() once
# its tests are done, and on Linux the results still in the pipe to the
# runner are lost (nodejs/node#64833): eight tests of blackbox.test.mjs
# once vanished that way, and the pass passed.  A file ends by itself (the
# harness stops what it started); one that does not is stopped by its
# timeout and fails.  A test that hangs fails alone after JO_TEST_TIMEOUT
# ms, where the node has --test-timeout (20.11; not 18).
node_flags() { # node -> the flags it understands
	local help
	help=$("$1" --help 2>/dev/null)
	flags=(--test --test-reporter=tap)
	case $help in *--test-timeout*)
		flags+=(--test-timeout="${JO_TEST_TIMEOUT:-240000}");; esac
}
since() { echo "    ($(( $(date +%s) - $1 )) s)"; }

# The node suites of a mode, from the one list (tests/suites); JO_SUITES
# (blank-separated names) keeps only those.
suites() {
	awk -v m="$1" -v only="${JO_SUITES:-}" 'BEGIN { n = split(only, o, " "); for (i = 1; i <= n; i++) keep[o[i]] = 1 }
	    !/^#/ && NF && (only == "" || ($1 in keep)) { for (i = 2; i <= NF; i++) if ($i == m) print $1 }' tests/suites
}

nodes() { # mode label node [env...]: the mode's suites, a file at a time
	local mode=$1 label=$2 node=$3 name tap p f st t0 bad=0 np=0 nf=0
	shift 3
	local flags; node_flags "$node"
	t0=$(date +%s)
	echo "  $label: node $("$node" --version) ($node)"
	for name in $(suites "$mode"); do
		tap=tests/out/$label-$name.tap
		env PATH="$(dirname "$node"):$PATH" "$@" timeout -k 10 "${JO_FILE_TIMEOUT:-1500}" \
		    "$node" "${flags[@]}" "tests/$name.test.mjs" > "$tap" 2>&1
		st=$?
		tally "$tap" "$name.test.mjs" "$st"
		if [ $((p + f)) -eq 0 ]; then
			echo "    $name.test.mjs reported no test:"; tail -5 "$tap" | sed 's/^/      /'
			f=1
		fi
		np=$((np + p)); nf=$((nf + f))
		echo "    $name.test.mjs: $p passed, $f failed"
		[ "$f" -eq 0 ] || why "$tap"
		# a provider whose start stalled and was started again (harness.mjs)
		grep -h 'starting it again' "$tap" | head -5 | sed "s/^/    $name: retried: /" || true
		if [ -z "${ref[$name]:-}" ]; then
			ref[$name]=$((p + f))
		elif [ "${ref[$name]}" -ne $((p + f)) ]; then
			echo "    $name.test.mjs reported $((p + f)) tests here, ${ref[$name]} in the normal CGI pass: cut short?"
			grep -E '^(not )?ok ' "$tap" | tail -2 | sed 's/^/      last: /'
			bad=$((bad + 1))
		fi
	done
	total_pass=$((total_pass + np)); total_fail=$((total_fail + nf + bad))
	echo "  $label (node): $np passed, $((nf + bad)) failed"; since "$t0"
}

pass() { # label build-dir cgi cgi-node
	local label=$1 build=$2 cgi=$3 cgi_node=$4 t name
	echo "== $label build"
	if [ "${JO_UNIT:-1}" != 0 ]; then
		for t in "$build"/test_*; do
			name=$(basename "$t")
			CMOCKA_MESSAGE_OUTPUT=TAP "$t" > "tests/out/$label-$name.tap" 2>&1
			count "tests/out/$label-$name.tap" "unit/$name" $?
		done
	fi
	nodes cgi "$label-cgi" "$cgi_node" JO_CGI="$cgi" JO_SEALTOOL="$build/sealtool"
	# The same request-level suites with the binary as a FastCGI responder.
	nodes fastcgi "$label-fastcgi" "$node" JO_MODE=fastcgi JO_CGI="$cgi" JO_SEALTOOL="$build/sealtool"
}

tests/deps.sh || exit 1
node=$(command -v node)
debian_node=$node
if [ "${JO_DEBIAN_NODE:-1}" != 0 ]; then
	if ! debian_node=$(tests/debian-node.sh 2> tests/out/debian-node.log); then
		echo "Debian's own node could not be had (tests/out/debian-node.log):"
		sed 's/^/    /' tests/out/debian-node.log
		# CI proves the README's platform: there it must be had.
		[ -z "${CI:-}" ] || exit 1
		debian_node=$node
	fi
fi

pass normal build cgi-bin/jitsi-oidc "$debian_node"
if [ "${JO_SKIP_SANITIZE:-0}" != 1 ]; then
	export ASAN_OPTIONS=detect_leaks=1:exitcode=23:abort_on_error=0
	export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
	export JO_SANITIZED=1
	pass sanitize build-san build-san/jitsi-oidc "$node"
	unset ASAN_OPTIONS UBSAN_OPTIONS JO_SANITIZED
fi
# The black-box, attack and end-to-end tests once more, every run of the
# CGI under valgrind (memory errors and definite or possible leaks fail).
if [ "${JO_SKIP_VALGRIND:-0}" != 1 ]; then
	echo "== valgrind"
	nodes valgrind valgrind "$node" JO_CGI=cgi-bin/jitsi-oidc JO_SEALTOOL=build/sealtool \
	    JO_CGI_WRAPPER="valgrind --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite,possible --quiet"
fi

# libFuzzer: replay the committed corpora, then fuzz each target for
# JO_FUZZ_SECONDS (60).  JO_FUZZ_SECONDS=0 replays the corpora only.  It
# keeps one core busy for minutes: it runs beside the clean-root pass
# (apt, dpkg and npm in a chroot, mostly waiting), not beside the
# timed passes above.
fuzz_pid=
if [ "${JO_SKIP_FUZZ:-0}" != 1 ]; then
	fuzz_t0=$(date +%s)
	( tests/fuzz/run.sh > tests/out/fuzz.tap 2>&1; echo $? > tests/out/fuzz.rc ) &
	fuzz_pid=$!
fi

# The quick start as a new user runs it: `make demo` in a clean Debian
# bookworm root (tests/cleanroot.test.mjs), once.
if [ "${JO_SKIP_CLEANROOT:-0}" != 1 ]; then
	echo "== clean Debian root"
	nodes once cleanroot "$node"
fi
if [ -n "$fuzz_pid" ]; then
	wait "$fuzz_pid"
	echo "== fuzz (${JO_FUZZ_SECONDS:-60} s a target, beside the clean root)"
	count tests/out/fuzz.tap "libFuzzer targets" "$(cat tests/out/fuzz.rc 2>/dev/null || echo 1)"
	since "$fuzz_t0"
fi
echo
echo "$total_pass passed, $total_fail failed ($(( $(date +%s) - start )) s)"
[ "$total_fail" -eq 0 ] && [ "$total_pass" -gt 0 ]
