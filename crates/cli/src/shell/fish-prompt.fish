
if not functions -q _aws_sso_rs_original_prompt
    functions -c fish_prompt _aws_sso_rs_original_prompt
    function __aws_sso_rs_status
        return $argv[1]
    end
    function fish_prompt
        # The original prompt shows the last command's status: hand it on unchanged.
        set -l last $status
        aws_sso_rs_prompt
        __aws_sso_rs_status $last
        _aws_sso_rs_original_prompt
    end
end
