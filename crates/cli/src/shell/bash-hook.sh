
case ";${PROMPT_COMMAND:-};" in
    *";_aws_sso_rs_hook;"*) ;;
    *) PROMPT_COMMAND="_aws_sso_rs_hook${PROMPT_COMMAND:+;$PROMPT_COMMAND}" ;;
esac
