# aws-sso-rs shell integration for fish: add to ~/.config/fish/config.fish
#   aws-sso-rs shell-init fish | source          (or with --prompt for the prompt segment)
# aws-sso-use [PROFILE] [LOGIN-FLAGS]  switch AWS_PROFILE (a picker without PROFILE), signing
#                        in if needed (`aws-sso-use dev --use-device-code` passes the flag on);
#                        Tab completes profile names
# aws-sso-clear          erase AWS_PROFILE, when you are done
# aws_sso_rs_prompt      the prompt segment: "(dev-account-ro 7h12m) "
# Before each prompt, a one-time warning when the active sign-in has under 15 minutes left
# and cannot be renewed without a browser, or was refused by the service, with the command
# that signs in again.

function aws-sso-use --description 'Switch AWS_PROFILE, signing in if needed (aws-sso-rs)'
    if set -q AWS_SSO_RS_PROFILE; and test -n "$AWS_SSO_RS_PROFILE"
        echo "aws-sso-use: this shell runs inside `aws-sso-rs exec` for profile '$AWS_SSO_RS_PROFILE', whose keys win over AWS_PROFILE; exit it first" >&2
        return 1
    end
    set -l profile
    set -l flags $argv
    if set -q argv[1]; and not string match -q -- '-*' $argv[1]
        set profile $argv[1]
        set flags $argv[2..-1]
    end
    if test -z "$profile"
        set profile (@BIN@ pick); or return $status
    end
    set -l state (env AWS_PROFILE=$profile @BIN@ prompt --format '{state}')
    switch "$state"
        case no-such-profile
            set -l closest (env AWS_PROFILE=$profile @BIN@ prompt --format '{closest}')
            set -l hint
            test -n "$closest"; and set hint "did you mean '$closest'? "
            echo "aws-sso-use: there is no profile '$profile' in the config; $hint`aws-sso-rs profiles` lists them" >&2
            return 3
        case invalid
            echo "aws-sso-use: profile '$profile' cannot be used as it is written; `aws-sso-rs profiles` says why, with the line" >&2
            return 3
        case signed-out expired refused renewable
            @BIN@ login --profile $profile $flags; or return $status
    end
    set -gx AWS_PROFILE $profile
    set -e AWS_DEFAULT_PROFILE
    set -e _AWS_SSO_RS_WARNED
    # `set -e` of a variable that is not set fails: the switch itself succeeded.
    return 0
end

function __aws_sso_use_profiles
    @BIN@ profiles --names 2>/dev/null
end
complete -c aws-sso-use -f -a '(__aws_sso_use_profiles)' -d 'AWS profile'

function aws-sso-clear --description 'Erase AWS_PROFILE (aws-sso-rs)'
    set -e AWS_PROFILE
    set -e AWS_DEFAULT_PROFILE
    set -e _AWS_SSO_RS_WARNED
    return 0
end

function _aws_sso_rs_hook --on-event fish_prompt
    test -n "$AWS_PROFILE$AWS_SSO_RS_PROFILE"; or return 0
    set -l active $AWS_SSO_RS_PROFILE
    test -n "$active"; or set active $AWS_PROFILE
    set -l warning (@BIN@ prompt --format '{warning}')
    if test -z "$warning"
        set -e _AWS_SSO_RS_WARNED
    else if test "$_AWS_SSO_RS_WARNED" != "$active"
        echo $warning >&2
        set -g _AWS_SSO_RS_WARNED $active
    end
end

function aws_sso_rs_prompt --description 'The aws-sso-rs prompt segment'
    test -n "$AWS_PROFILE$AWS_SSO_RS_PROFILE"; or return 0
    set -l segment (@BIN@ prompt)
    test -n "$segment"; and printf '(%s) ' $segment
end
