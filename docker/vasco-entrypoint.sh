#!/usr/bin/env bash
# The Vasco image's entry point (docker/Debian/Dockerfile).
#
#   docker run --rm -v "$PWD:/field" vasco [RUN.vascoproj] [dotnet build arguments...]
#       builds the run file in the mounted folder (its only *.vascoproj, or the one named), as the
#       folder's owner, so data/, obj/, logs/ belong to whoever owns the folder, not to root
#   docker run --rm vasco [dotnet build arguments...]
#       without a mounted folder: the embedded M67 run (runs/m67/run.vascoproj), as before
#   docker run --rm -it vasco bash
#       any other command is run as it is
#
# The run file names the Vasco.Sdk package (<Project Sdk="Vasco.Sdk/x.y.z">); the image holds that
# package already unpacked (NUGET_PACKAGES), and its folder feed at ~/.vasco/feed, where the run
# template's nuget.config looks, so a build needs no network for it.
#
# Paths can be changed (to try this script outside the image): VASCO_FIELD (the mounted folder,
# /field), VASCO_REPO (the Vasco sources holding runs/m67, /vasco), VASCO_FEED (the folder feed,
# /opt/vasco/feed), VASCO_BUILD_HOME (home of a build run as the folder's owner, /tmp/vasco-home).
set -euo pipefail

field=${VASCO_FIELD:-/field}
repo=${VASCO_REPO:-/vasco}
feed=${VASCO_FEED:-/opt/vasco/feed}

say() { echo "vasco-entrypoint: $*" >&2; }
die() { say "$*"; exit 2; }

# A command rather than build arguments: run it (docker run vasco bash, docker run vasco dotnet test, ...).
if [[ $# -gt 0 && $1 != -* && $1 != *.vascoproj ]]; then
    exec "$@"
fi

# .NET's terminal logger hides Vasco's build messages (see Directory.Build.rsp). A build as the folder's owner
# starts from a fresh home, so .NET's first run happens each time: no banner, no certificate, and no workload
# check (as a user other than root it cannot write the SDK's folder, and says "An issue was encountered
# verifying workloads").
export MSBUILDTERMINALLOGGER=off DOTNET_NOLOGO=1 DOTNET_CLI_TELEMETRY_OPTOUT=1
export DOTNET_GENERATE_ASPNET_CERTIFICATE=false DOTNET_SKIP_WORKLOAD_INTEGRITY_CHECK=true
# One build, then the container ends: no MSBuild nodes or build server left waiting for the next.
export MSBUILDDISABLENODEREUSE=1 DOTNET_CLI_DO_NOT_USE_MSBUILD_SERVER=1

if [[ ! -d $field ]]; then
    # No folder mounted: the embedded default, as the image always did.
    [[ ${1:-} == *.vascoproj ]] && die "no folder is mounted at $field to hold $1 (docker run -v \"\$PWD:$field\" ...)"
    cd "$repo"
    say "no folder at $field: building the embedded M67 run ($repo/runs/m67/run.vascoproj)"
    exec dotnet build runs/m67/run.vascoproj "$@"
fi

# The run file: the one named (relative to the folder), or the folder's only *.vascoproj.
if [[ ${1:-} == *.vascoproj ]]; then
    run=$1; shift
    [[ $run == /* ]] || run=$field/$run
    [[ -f $run ]] || die "no run file $run"
else
    shopt -s nullglob
    runs=("$field"/*.vascoproj)
    shopt -u nullglob
    case ${#runs[@]} in
        1) run=${runs[0]} ;;
        0) die "no *.vascoproj in $field: mount the folder that holds the run file (docker run -v \"\$PWD:$field\" vasco)" ;;
        *) die "several run files in $field (${runs[*]##*/}): name the one to build (docker run ... vasco NAME.vascoproj)" ;;
    esac
fi

# Whose outputs: the owner of the mounted folder.
owner_uid=$(stat -c %u "$field")
owner_gid=$(stat -c %g "$field")
uid=$(id -u)

if [[ $uid -eq 0 && $owner_uid -ne 0 ]]; then
    # Root in the container, a user's folder: build as that user (uid and gid, no other groups), with a home
    # of its own, so that everything the build writes in the folder is the user's.
    home=${VASCO_BUILD_HOME:-/tmp/vasco-home}
    mkdir -p "$home"
    chown "$owner_uid:$owner_gid" "$home"
    as_user=(setpriv --reuid="$owner_uid" --regid="$owner_gid" --clear-groups --)
else
    # Root building a root-owned folder, or docker run --user: as we are. The home must be writable
    # (docker run --user gives HOME=/ when the uid has no account in the image).
    home=${HOME:-/}
    if [[ ! -w $home || $home == / ]]; then
        home=${VASCO_BUILD_HOME:-/tmp/vasco-home}-$uid
        mkdir -p "$home"
    fi
    as_user=()
    if [[ ! -w $field ]]; then
        die "$field is owned by $owner_uid:$owner_gid and not writable by uid $uid: run without --user (the build then runs as the folder's owner), or with --user $owner_uid:$owner_gid"
    fi
fi
export HOME=$home DOTNET_CLI_HOME=$home

# The folder feed where the run template's nuget.config looks for Vasco.Sdk (%HOME%/.vasco/feed).
if [[ -d $feed ]]; then
    "${as_user[@]}" mkdir -p "$home/.vasco"
    [[ -e $home/.vasco/feed ]] || "${as_user[@]}" ln -s "$feed" "$home/.vasco/feed"
fi

# Files the build cannot rewrite (left by an earlier build as another user) make it fail later: say so now.
build_uid=$owner_uid
[[ ${#as_user[@]} -eq 0 ]] && build_uid=$uid
foreign=$(find "$field" -maxdepth 4 ! -user "$build_uid" \( -path "$field/data*" -o -path "$field/obj*" -o -path "$field/logs*" \) -print -quit 2>/dev/null || true)
if [[ -n $foreign ]]; then
    say "warning: $foreign is not owned by uid $build_uid, which the build runs as; if the build cannot write it: chown -R $build_uid:$owner_gid on the folder"
fi

cd "$(dirname "$run")"
say "building $run ($field: the mounted folder) as uid $( [[ ${#as_user[@]} -gt 0 ]] && echo "$owner_uid:$owner_gid" || echo "$uid:$(id -g)" )"
exec "${as_user[@]}" dotnet build "$(basename "$run")" "$@"
