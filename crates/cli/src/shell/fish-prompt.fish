
if not functions -q _aws_sso_rs_original_prompt
    functions -c fish_prompt _aws_sso_rs_original_prompt
    function fish_prompt
        aws_sso_rs_prompt
        _aws_sso_rs_original_prompt
    end
end
