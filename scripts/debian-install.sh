# Sourced by the install scripts of the test servers and tools: what they share.
# The caller fills the array `need` with what is missing, then:
#   install_needed LABEL WHAT   exits 0 when nothing is missing; without root, says what is
#                               missing and exits (1 in CI, where the tests must run; 0
#                               elsewhere, where they skip); else announces the install
#   apt_install PACKAGE...      installs Debian packages, quietly, nothing upgraded
install_needed() {
  [ ${#need[@]} = 0 ] && exit 0
  if [ "$(id -u)" != 0 ]; then
    echo "[$1] missing ${need[*]} and not root: cannot install $2" >&2
    [ "${CI:-}" = true ] && exit 1
    exit 0
  fi
  echo "[$1] installing $2 (missing: ${need[*]})" >&2
}

apt_install() {
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends --no-upgrade "$@" >/dev/null
}
