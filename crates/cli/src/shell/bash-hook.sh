
case ";${PROMPT_COMMAND:-};" in
    *";_aws_sso_rs_hook;"*) ;;
    *) PROMPT_COMMAND="_aws_sso_rs_hook${PROMPT_COMMAND:+;$PROMPT_COMMAND}" ;;
esac

_aws_sso_use_complete() {
    # Names as they are (no expansion), also those holding `:`, one of bash's word breaks.
    local cur="${COMP_WORDS[COMP_CWORD]}" name
    COMPREPLY=()
    while IFS= read -r name; do
        [[ "$name" == "$cur"* ]] && COMPREPLY+=("$name")
    done < <(@BIN@ profiles --names 2>/dev/null)
    if declare -F __ltrim_colon_completions >/dev/null; then
        __ltrim_colon_completions "$cur"
    fi
}
complete -F _aws_sso_use_complete aws-sso-use
