# aws-sso-rs shell integration for @SHELL@: add to your startup file
#   eval "$(aws-sso-rs shell-init @SHELL@)"          (or with --prompt for the prompt segment)
# aws-sso-use [PROFILE] [LOGIN-FLAGS]  switch AWS_PROFILE (a picker without PROFILE), signing
#                        in if needed (`aws-sso-use dev --use-device-code` passes the flag on);
#                        Tab completes profile names (zsh: source this after compinit)
# aws-sso-clear          unset AWS_PROFILE, when you are done
# aws_sso_rs_prompt      the prompt segment: "(dev-account-ro 7h12m) "
# Before each prompt, a one-time warning when the active sign-in has under 15 minutes left
# and cannot be renewed without a browser, or was refused by the service, with the command
# that signs in again.

aws-sso-use() {
    if [ -n "${AWS_SSO_RS_PROFILE:-}" ]; then
        printf 'aws-sso-use: this shell runs inside `aws-sso-rs exec` for profile %s, whose keys win over AWS_PROFILE; exit it first\n' "'$AWS_SSO_RS_PROFILE'" >&2
        return 1
    fi
    local profile="" state closest
    case "${1:-}" in
        "" | -*) ;;
        *) profile="$1"; shift ;;
    esac
    if [ -z "$profile" ]; then
        profile="$(@BIN@ pick)" || return $?
    fi
    state="$(AWS_PROFILE="$profile" @BIN@ prompt --format '{state} {closest}')"
    case "$state" in
        no-such-profile*)
            closest="${state#no-such-profile}"
            closest="${closest# }"
            printf 'aws-sso-use: there is no profile %s in the config; %s`aws-sso-rs profiles` lists them\n' \
                "'$profile'" "${closest:+did you mean '$closest'? }" >&2
            return 3 ;;
        invalid*)
            printf 'aws-sso-use: profile %s cannot be used as it is written; `aws-sso-rs profiles` says why, with the line\n' "'$profile'" >&2
            return 3 ;;
        signed-out*|expired*|refused*|renewable*)
            # A renewable sign-in is refreshed without a browser, or signed in again when the
            # service refuses the refresh.
            @BIN@ login --profile "$profile" "$@" || return $? ;;
    esac
    export AWS_PROFILE="$profile"
    unset AWS_DEFAULT_PROFILE _AWS_SSO_RS_WARNED
}

aws-sso-clear() {
    unset AWS_PROFILE AWS_DEFAULT_PROFILE _AWS_SSO_RS_WARNED
}

_aws_sso_rs_hook() {
    # Keep the last command's status for whatever runs after this hook (prompt themes).
    local last=$?
    [ -n "${AWS_PROFILE:-}${AWS_SSO_RS_PROFILE:-}" ] || return $last
    local warning active="${AWS_SSO_RS_PROFILE:-${AWS_PROFILE:-}}"
    warning="$(@BIN@ prompt --format '{warning}')"
    if [ -z "$warning" ]; then
        unset _AWS_SSO_RS_WARNED
    elif [ "${_AWS_SSO_RS_WARNED:-}" != "$active" ]; then
        printf '%s\n' "$warning" >&2
        _AWS_SSO_RS_WARNED="$active"
    fi
    return $last
}

aws_sso_rs_prompt() {
    local last=$?
    [ -n "${AWS_PROFILE:-}${AWS_SSO_RS_PROFILE:-}" ] || return $last
    local segment
    segment="$(@BIN@ prompt)"
    [ -z "$segment" ] || printf '(%s) ' "$segment"
    return $last
}
