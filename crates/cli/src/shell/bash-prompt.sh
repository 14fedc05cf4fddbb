case "$PS1" in
    *aws_sso_rs_prompt*) ;;
    *) PS1='$(aws_sso_rs_prompt)'"$PS1" ;;
esac
