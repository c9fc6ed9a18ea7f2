# Sourced by the load benchmarks that summarise their rounds with one shared rule.

# median VALUE…: prints the median of the numbers (for an even count, the lower of the middle
# two), so every summary picks the same round.
median() {
  echo "$@" | tr ' ' '\n' | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'
}
