# aws-sso-rs shell integration for PowerShell: add to your $PROFILE
#   Invoke-Expression (& aws-sso-rs shell-init powershell | Out-String)
# aws-sso-use [NAME]  switch $env:AWS_PROFILE (a picker without NAME), signing in if needed;
#                     Tab completes profile names
# aws-sso-clear       remove $env:AWS_PROFILE, when you are done
# aws_sso_rs_prompt   the prompt segment: "(dev-account-ro 7h12m) "
# Before each prompt, a one-time warning when the active sign-in has under 15 minutes left
# and cannot be renewed without a browser, or was refused by the service, with the command
# that signs in again.

function global:aws-sso-use {
    param([string]$Name)
    if ($env:AWS_SSO_RS_PROFILE) {
        Write-Error "aws-sso-use: this shell runs inside ``aws-sso-rs exec`` for profile '$env:AWS_SSO_RS_PROFILE', whose keys win over AWS_PROFILE; exit it first"
        return
    }
    if (-not $Name) {
        $Name = & @BIN@ pick
        if ($LASTEXITCODE -ne 0) { return }
    }
    $saved = $env:AWS_PROFILE
    $env:AWS_PROFILE = $Name
    $state = & @BIN@ prompt --format '{state}'
    $closest = if ($state -eq 'no-such-profile') { & @BIN@ prompt --format '{closest}' }
    $env:AWS_PROFILE = $saved
    if ($state -eq 'no-such-profile') {
        $hint = if ($closest) { "did you mean '$closest'? " } else { '' }
        Write-Error "aws-sso-use: there is no profile '$Name' in the config; $hint``aws-sso-rs profiles`` lists them"
        return
    }
    if ($state -eq 'invalid') {
        Write-Error "aws-sso-use: profile '$Name' cannot be used as it is written; ``aws-sso-rs profiles`` says why, with the line"
        return
    }
    if ($state -in 'signed-out', 'expired', 'refused', 'renewable') {
        & @BIN@ login --profile $Name
        if ($LASTEXITCODE -ne 0) { return }
    }
    $env:AWS_PROFILE = $Name
    Remove-Item Env:AWS_DEFAULT_PROFILE -ErrorAction SilentlyContinue
    $global:_AwsSsoRsWarned = $null
}

Register-ArgumentCompleter -CommandName aws-sso-use -ParameterName Name -ScriptBlock {
    param($command, $parameter, $word)
    & @BIN@ profiles --names 2>$null | Where-Object { $_ -like "$word*" } |
        ForEach-Object { [System.Management.Automation.CompletionResult]::new($_, $_, 'ParameterValue', $_) }
}

function global:aws-sso-clear {
    Remove-Item Env:AWS_PROFILE -ErrorAction SilentlyContinue
    Remove-Item Env:AWS_DEFAULT_PROFILE -ErrorAction SilentlyContinue
    $global:_AwsSsoRsWarned = $null
}

function global:_aws_sso_rs_hook {
    if (-not ($env:AWS_PROFILE -or $env:AWS_SSO_RS_PROFILE)) { return }
    $active = if ($env:AWS_SSO_RS_PROFILE) { $env:AWS_SSO_RS_PROFILE } else { $env:AWS_PROFILE }
    $warning = & @BIN@ prompt --format '{warning}'
    if (-not $warning) { $global:_AwsSsoRsWarned = $null }
    elseif ($global:_AwsSsoRsWarned -ne $active) {
        [Console]::Error.WriteLine($warning)
        $global:_AwsSsoRsWarned = $active
    }
}

function global:aws_sso_rs_prompt {
    if (-not ($env:AWS_PROFILE -or $env:AWS_SSO_RS_PROFILE)) { return '' }
    $segment = & @BIN@ prompt
    if ($segment) { "($segment) " } else { '' }
}

if (-not $global:_AwsSsoRsOriginalPrompt) {
    $global:_AwsSsoRsOriginalPrompt = $function:prompt
    function global:prompt {
        # Keep the last command's exit code for the original prompt.
        $code = $global:LASTEXITCODE
        _aws_sso_rs_hook
        $segment = "@SEGMENT@"
        $global:LASTEXITCODE = $code
        "$segment$(& $global:_AwsSsoRsOriginalPrompt)"
    }
}
