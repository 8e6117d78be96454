#!/usr/bin/env bash
# make test-portability: every notebook under nbval twice, so that committed outputs depend neither on the
# number of threads nor on the CPU's vector instructions:
#   1. one thread on one core (OMP_NUM_THREADS=1, pinned with taskset to the first usable CPU);
#   2. PyTorch's plain kernels (ATEN_CPU_CAPABILITY=default), on the other usable CPUs.
# The first run leaves every other core idle, so where there are two or more the second runs beside it, and
# its output is printed after the first's. Side by side, each run has one pytest-xdist worker per CPU it may use
# (no extra one: notebooks compute rather than wait), so no more notebook kernels hold memory at once than cores. Each run writes its notebooks' files under its own folders
# (COURSE_TEST_RUN, see conftest.py). Usage: tools/portability.sh PYTHON [PYTEST ARGUMENTS...], where the
# arguments default to "notebooks" (every notebook, both languages).
set -uo pipefail
python="${1:?usage: tools/portability.sh PYTHON [PYTEST ARGUMENTS...]}"
shift
[ "$#" -gt 0 ] || set -- notebooks
read -r -a cpus <<<"$("$python" -c 'import os; print(*sorted(os.sched_getaffinity(0)))')"
first="${cpus[0]}"
rest="$(IFS=,; echo "${cpus[*]:1}")"

one_thread() {
    echo "=== notebooks, one thread on CPU $first (OMP_NUM_THREADS=1)"
    OMP_NUM_THREADS=1 COURSE_TEST_RUN=one-thread taskset -c "$first" "$python" -m pytest $workers_first "$@"
}
plain_kernels() {  # plain_kernels CPUS [PYTEST ARGUMENTS...]
    local on="$1"
    shift
    echo "=== notebooks, PyTorch's plain kernels on CPUs $on (ATEN_CPU_CAPABILITY=default)"
    ATEN_CPU_CAPABILITY=default COURSE_TEST_RUN=plain-kernels taskset -c "$on" "$python" -m pytest $workers_rest "$@"
}

workers_first="" workers_rest=""  # one CPU: pytest-xdist's -n auto (pyproject.toml), one run after the other
if [ -n "$rest" ]; then
    workers_first="-n 1" workers_rest="-n $((${#cpus[@]} - 1))"
fi
if [ -z "$rest" ]; then
    one_thread "$@"; first_status=$?
    plain_kernels "$first" "$@"; second_status=$?
else
    log="$(mktemp -t portability-plain-kernels.XXXXXX.log)"
    plain_kernels "$rest" "$@" >"$log" 2>&1 &
    second=$!
    one_thread "$@"; first_status=$?
    wait "$second"; second_status=$?
    cat "$log"
    rm -f "$log"
fi
echo "=== one thread: exit $first_status; plain kernels: exit $second_status"
[ "$first_status" -eq 0 ] && [ "$second_status" -eq 0 ]
