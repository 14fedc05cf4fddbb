setopt PROMPT_SUBST
case "$PROMPT" in
    *aws_sso_rs_prompt*) ;;
    *) PROMPT='$(aws_sso_rs_prompt)'"$PROMPT" ;;
esac
