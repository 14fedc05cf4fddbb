
autoload -Uz add-zsh-hook
add-zsh-hook precmd _aws_sso_rs_hook

_aws_sso_use() {
    local -a profiles
    profiles=(${(f)"$(@BIN@ profiles --names 2>/dev/null)"})
    compadd -a profiles
}
# Tab completion needs the completion system: source this after `compinit`.
if (( $+functions[compdef] )); then
    compdef _aws_sso_use aws-sso-use
fi
