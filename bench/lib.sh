# Sourced by bench/reference_check.sh and bench/rules_check.sh.

# Sets PANEL, when unset, to the release build of this checkout (`cargo build --release`,
# found in cargo's target directory, so CARGO_TARGET_DIR is honoured).
panel_binary() {
    if [ -z "${PANEL:-}" ]; then
        cargo build --release --quiet
        local target_dir
        target_dir=$(cargo metadata --format-version 1 --no-deps |
            python3 -c 'import json,sys; print(json.load(sys.stdin)["target_directory"])')
        PANEL="$target_dir/release/panel"
    fi
}

# Empties (or makes) the work folder $1.
fresh_work() {
    rm -rf "$1"
    mkdir -p "$1"
}
