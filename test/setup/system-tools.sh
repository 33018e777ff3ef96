#!/usr/bin/env bash
# The system tools the test suite runs for real, installed when missing, before any test starts:
# promtool and prometheus (exposition checks, a real scrape), chromium (the live page), yamllint
# (deploy manifests), kubectl (renders the kustomize overlays of deploy/k8s), python3 (the Python
# client), cc and valgrind (the native reader's C-level test). On Debian or Ubuntu, as root or with
# passwordless sudo, missing ones come from apt-get; anywhere else it prints one line per missing
# tool, saying how to get it, and exits 1, so the suite never runs with a check that cannot pass.
set -uo pipefail

# The suite runs on Node 20, 22 and 24; an older node fails in ways that do not name the cause.
node_major=$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)
if [ "${node_major:-0}" -lt 20 ] 2>/dev/null; then
  echo "node: Node.js >= 20 is needed (found ${node_major:-none}): Debian 12's nodejs is 18; install Node 20 or 22 (NodeSource packages, nvm, or the official binaries)" >&2
  exit 1
fi

# command|Debian package|what the suite uses it for
TOOLS=(
  'promtool|prometheus|checks every /metrics body and the rules'
  'prometheus|prometheus|scrapes a real agent'
  'chromium|chromium|loads the live page'
  'yamllint|yamllint|lints the deploy manifests'
  'kubectl|kubernetes-client|renders the Kubernetes kustomize overlays'
  'python3|python3|runs the Python client tests'
  'cc|gcc|compiles the native reader and its C-level test'
  'valgrind|valgrind|runs the native reader C test for leaks and bad memory access'
)

missing=()
packages=()
for entry in "${TOOLS[@]}"; do
  IFS='|' read -r tool package _ <<<"$entry"
  if ! command -v "$tool" >/dev/null 2>&1; then
    missing+=("$entry")
    case " ${packages[*]-} " in *" $package "*) ;; *) packages+=("$package") ;; esac
  fi
done
[ ${#missing[@]} -eq 0 ] && exit 0

is_debian_like() {
  [ -r /etc/os-release ] || return 1
  local id='' id_like=''
  # shellcheck disable=SC1091
  id=$(. /etc/os-release && printf '%s' "${ID:-}")
  id_like=$(. /etc/os-release && printf '%s' "${ID_LIKE:-}")
  case " $id $id_like " in *' debian '* | *' ubuntu '*) return 0 ;; esac
  return 1
}

as_root=()
can_install=0
if is_debian_like && command -v apt-get >/dev/null 2>&1; then
  if [ "${EUID:-$(id -u)}" -eq 0 ]; then
    can_install=1
  elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
    can_install=1
    as_root=(sudo -n)
  fi
fi

if [ $can_install -eq 1 ]; then
  echo "system tools: installing ${packages[*]} with apt-get (the suite checks against the real tools)"
  export DEBIAN_FRONTEND=noninteractive
  if "${as_root[@]}" apt-get update -qq && \
    "${as_root[@]}" apt-get install -y -qq --no-install-recommends "${packages[@]}" >/dev/null; then
    still=0
    for entry in "${missing[@]}"; do
      IFS='|' read -r tool package _ <<<"$entry"
      command -v "$tool" >/dev/null 2>&1 || { echo "system tools: apt-get installed $package but '$tool' is still not on PATH" >&2; still=1; }
    done
    [ $still -eq 0 ] && exit 0
  fi
  echo "system tools: apt-get could not install ${packages[*]}; install them by hand, then run npm test again" >&2
  exit 1
fi

for entry in "${missing[@]}"; do
  IFS='|' read -r tool package why <<<"$entry"
  echo "missing: $tool ($why): install the Debian/Ubuntu package '$package' (apt-get install $package) or put $tool on PATH" >&2
done
echo "system tools: cannot install here (needs Debian or Ubuntu with apt-get, as root or with passwordless sudo)" >&2
exit 1
