#!/bin/bash
# Installs this hilnat agent package as a systemd service on a board (Raspberry Pi OS / Debian 12,
# Jetson's Ubuntu). The one prerequisite: sudo apt install openjdk-17-jre-headless
set -euo pipefail

usage() {
  cat <<'USAGE'
usage: sudo ./hilnat-agent/install.sh [--profile ID] [--prefix DIR] [--no-systemd] [--ignore-arch]
  --profile ID   hardware profile set in agent.env on the first install (e.g. raspberry-pi-5)
  --prefix DIR   install into DIR, settings in DIR/etc (default /opt/hilnat-agent, /etc/hilnat-agent);
                 creates no user: the agent runs as hilnat if that user exists, else as the one running this
  --no-systemd   install no unit; print the command that starts the agent by hand
  --ignore-arch  install a package of another arch (emulation tests only)
USAGE
}
die() {
  echo "install.sh: $*" >&2
  exit 1
}

PREFIX=/opt/hilnat-agent
ETC=/etc/hilnat-agent
prefix_given=0
profile=""
systemd=1
ignore_arch=0
while (( $# )); do
  case "$1" in
    --prefix)
      (( $# >= 2 )) || die "--prefix needs a directory"
      PREFIX="$(realpath -m "$2")"
      ETC="$PREFIX/etc"
      prefix_given=1
      shift 2 ;;
    --profile)
      (( $# >= 2 )) || die "--profile needs an id, e.g. raspberry-pi-5"
      profile="$2"
      shift 2 ;;
    --no-systemd) systemd=0; shift ;;
    --ignore-arch) ignore_arch=1; shift ;;
    -h|--help) usage; exit 0 ;;
    *) usage >&2; die "unknown option $1" ;;
  esac
done
# the unit's ExecStart and EnvironmentFile take these paths unquoted
[[ "$PREFIX" != *[[:space:]]* ]] || die "--prefix must not hold spaces: $PREFIX"

PKG="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")" && pwd)"
TARGET="$(<"$PKG/TARGET")"

# Java, checked as bin/hilnat-agent checks it (kept in step with it)
APT_HINT="install it with 'sudo apt install openjdk-17-jre-headless' (Raspberry Pi OS, Jetson's Ubuntu)"
if [[ -n "${HILNAT_JAVA:-}" ]]; then
  [[ -x "$HILNAT_JAVA" ]] || die "HILNAT_JAVA=$HILNAT_JAVA is not an executable file"
else
  if [[ -n "${JAVA_HOME:-}" && -x "$JAVA_HOME/bin/java" ]]; then
    JAVA="$JAVA_HOME/bin/java"
  elif JAVA="$(command -v java)"; then
    :
  else
    die "no Java found: $APT_HINT"
  fi
  version="$("$JAVA" -version 2>&1 || true)"
  if [[ "$version" =~ version\ \"1\.([0-9]+) || "$version" =~ version\ \"([0-9]+) ]]; then
    (( 10#${BASH_REMATCH[1]} >= 17 )) || die "$JAVA is Java ${BASH_REMATCH[1]}, the agent needs 17 or later: $APT_HINT"
  else
    die "$JAVA does not run (${version%%$'\n'*}): $APT_HINT"
  fi
fi

if (( ! ignore_arch )); then
  case "$(uname -s)/$(uname -m)" in
    Linux/aarch64) MACHINE=linux-arm64 ;;
    Linux/x86_64) MACHINE=linux-x86_64 ;;
    *) die "this machine ($(uname -s) $(uname -m)) is not linux-arm64 or linux-x86_64;" \
      "a Raspberry Pi needs the 64-bit Raspberry Pi OS" ;;
  esac
  [[ "$TARGET" == "$MACHINE" ]] || die "this package is for $TARGET but this machine is $MACHINE:" \
    "build the package for this machine with './hilnat agent package --target $MACHINE'" \
    "(--ignore-arch installs it anyway, for emulation tests only)"
fi

if (( EUID != 0 )) && (( ! prefix_given || systemd )); then
  die "run it as root: sudo $0 ..."
fi

if (( ! prefix_given )); then
  SVC_USER=hilnat
  if ! id -u hilnat >/dev/null 2>&1; then
    groups=()
    if getent group video >/dev/null; then groups=(--groups video); fi
    useradd --system --user-group --home-dir /var/lib/hilnat-agent --create-home \
      --shell /usr/sbin/nologin "${groups[@]}" hilnat
    echo "created system user hilnat (home /var/lib/hilnat-agent: the model cache goes there)"
  fi
elif id -u hilnat >/dev/null 2>&1; then
  SVC_USER=hilnat
else
  SVC_USER="$(id -un)"
fi
SVC_GROUP="$(id -gn "$SVC_USER")"

# the default paths in the unit and agent.env, moved to --prefix's
relocate() {
  local text
  text="$(<"$1")"
  text="${text//\/opt\/hilnat-agent/"$PREFIX"}"
  text="${text//\/etc\/hilnat-agent/"$ETC"}"
  text="${text//User=hilnat/"User=$SVC_USER"}"
  text="${text//Group=hilnat/"Group=$SVC_GROUP"}"
  printf '%s\n' "$text"
}

was_active=0
if (( systemd )) && systemctl is-active --quiet hilnat-agent 2>/dev/null; then
  was_active=1
fi

mkdir -p "$PREFIX"
if [[ ! "$PKG" -ef "$PREFIX" ]]; then
  for item in bin lib TARGET VERSION PROFILE install.sh hilnat-agent.service agent.env; do
    # replaced whole: the classpath is lib/*, so a jar left from an older version would load too
    rm -rf "${PREFIX:?}/$item"
    if [[ -e "$PKG/$item" ]]; then cp -R "$PKG/$item" "$PREFIX/"; fi
  done
fi
echo "installed hilnat-agent $(<"$PKG/VERSION") ($TARGET) in $PREFIX"

mkdir -p "$ETC"
ENV_FILE="$ETC/agent.env"
if [[ -e "$ENV_FILE" ]]; then
  echo "kept $ENV_FILE (your settings)"
  if [[ -n "$profile" ]]; then echo "  --profile $profile not applied: set HILNAT_PROFILE=$profile there"; fi
else
  relocate "$PKG/agent.env" | while IFS= read -r line; do
    if [[ -n "$profile" && "$line" == "#HILNAT_PROFILE="* ]]; then line="HILNAT_PROFILE=$profile"; fi
    printf '%s\n' "$line"
  done > "$ENV_FILE"
  chmod 644 "$ENV_FILE"
  echo "wrote $ENV_FILE"
fi

TOKEN="$ETC/token"
if [[ -e "$TOKEN" ]]; then
  echo "kept the token $TOKEN"
else
  (umask 077 && od -An -v -tx1 -N32 /dev/urandom | tr -d ' \n' > "$TOKEN" && echo >> "$TOKEN")
  chmod 600 "$TOKEN"
  chown "$SVC_USER:$SVC_GROUP" "$TOKEN"
  echo "wrote a new token: $TOKEN"
fi

if (( systemd )); then
  command -v systemctl >/dev/null || die "no systemctl here: rerun with --no-systemd"
  relocate "$PKG/hilnat-agent.service" > /etc/systemd/system/hilnat-agent.service
  systemctl daemon-reload
  systemctl enable --now hilnat-agent
  # enable --now leaves a running agent alone; after an upgrade it still runs the old jars
  if (( was_active )); then systemctl restart hilnat-agent; fi
  echo "started: systemctl status hilnat-agent; logs: journalctl -u hilnat-agent -f"
else
  run="bash -c 'set -a; . $ENV_FILE; exec $PREFIX/bin/hilnat-agent'"
  if [[ "$SVC_USER" != "$(id -un)" ]]; then run="sudo -u $SVC_USER $run"; fi
  echo "start it by hand: $run"
fi

port="$(sed -n 's/^HILNAT_PORT=["'\'']*\([0-9][0-9]*\).*/\1/p' "$ENV_FILE" | tail -n 1)"
echo "copy the token to the host: ssh <board> sudo cat $TOKEN > token"
echo "check it from the host: ./hilnat agents describe --agent <board-ip>:${port:-50051} --token-file <copy of $TOKEN>"
