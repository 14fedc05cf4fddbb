
autoload -Uz add-zsh-hook
add-zsh-hook precmd _aws_sso_rs_hook
