
case ";${PROMPT_COMMAND:-};" in
    *";_aws_sso_rs_hook;"*) ;;
    *) PROMPT_COMMAND="_aws_sso_rs_hook${PROMPT_COMMAND:+;$PROMPT_COMMAND}" ;;
esac

_aws_sso_use_complete() {
    local IFS=$'\n'
    COMPREPLY=($(compgen -W "$(@BIN@ profiles --names 2>/dev/null)" -- "${COMP_WORDS[COMP_CWORD]}"))
}
complete -F _aws_sso_use_complete aws-sso-use
