//! The browser pages a person clicks through: server-rendered HTML forms, no JavaScript.

use crate::error::xml_escape as esc;

fn page(title: &str, body: &str) -> String {
    format!(
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>{title}</title>\
         <style>body{{font-family:sans-serif;max-width:36em;margin:3em auto;line-height:1.5}}\
         .code{{font-size:2em;letter-spacing:.1em;font-family:monospace}}\
         button{{font-size:1em;padding:.4em 1.2em;margin-right:1em}}</style></head>\n\
         <body><p><small>aws-sso-mock: a local stand-in for IAM Identity Center</small></p>\n\
         <h1>{title}</h1>\n{body}\n</body></html>\n",
        title = esc(title)
    )
}

/// `verificationUri`: asks for the code shown in the terminal.
pub fn device_entry(error: Option<&str>) -> String {
    let error = error
        .map(|e| format!("<p id=\"error\" role=\"alert\">{}</p>", esc(e)))
        .unwrap_or_default();
    page(
        "Authorize request",
        &format!(
            "{error}<form method=\"get\" action=\"/device\">\
             <label for=\"user_code\">Enter the code shown in your terminal</label><br>\
             <input id=\"user_code\" name=\"user_code\" autocomplete=\"off\" autofocus>\
             <button id=\"next\" type=\"submit\">Next</button></form>"
        ),
    )
}

/// `verificationUriComplete`: shows the code and asks the user to allow the request.
pub fn device_confirm(user_code: &str, client: &str, user: &str) -> String {
    let code = esc(user_code);
    page(
        &format!("Allow {client} to access your data?"),
        &format!(
            "<p>Signed in as <b>{user}</b>. Check that this code matches the one in your terminal:</p>\
             <p class=\"code\" id=\"user-code\">{code}</p>\
             <form method=\"post\" action=\"/device/decide\">\
             <input type=\"hidden\" name=\"user_code\" value=\"{code}\">\
             <button id=\"allow\" name=\"decision\" value=\"allow\" type=\"submit\">Allow</button>\
             <button id=\"deny\" name=\"decision\" value=\"deny\" type=\"submit\">Deny</button></form>",
            user = esc(user)
        ),
    )
}

/// After *Allow* or *Deny* on the device page.
pub fn device_done(allowed: bool) -> String {
    if allowed {
        page(
            "Request approved",
            "<p id=\"result\">You can close this window and return to your terminal.</p>",
        )
    } else {
        page(
            "Request denied",
            "<p id=\"result\">The request was denied. You can close this window.</p>",
        )
    }
}

/// The sign-in page of the PKCE flow.
pub fn sign_in(id: &str, user: &str) -> String {
    page(
        "Sign in",
        &format!(
            "<form method=\"post\" action=\"/authorize/signin\">\
             <input type=\"hidden\" name=\"id\" value=\"{id}\">\
             <label for=\"username\">Username</label><br><input id=\"username\" name=\"username\" value=\"{user}\"><br>\
             <label for=\"password\">Password</label><br><input id=\"password\" name=\"password\" type=\"password\" value=\"mock\"><br>\
             <button id=\"sign-in\" type=\"submit\">Sign in</button></form>",
            id = esc(id),
            user = esc(user)
        ),
    )
}

/// The consent page of the PKCE flow.
pub fn consent(id: &str, client: &str, scopes: &str) -> String {
    page(
        &format!("Allow {client} to access your data?"),
        &format!(
            "<p>The application <b id=\"client\">{client}</b> asks to access your AWS accounts with the scopes <code>{scopes}</code>.</p>\
             <form method=\"post\" action=\"/authorize/decide\">\
             <input type=\"hidden\" name=\"id\" value=\"{id}\">\
             <button id=\"allow\" name=\"decision\" value=\"allow\" type=\"submit\">Allow access</button>\
             <button id=\"deny\" name=\"decision\" value=\"deny\" type=\"submit\">Deny</button></form>",
            id = esc(id),
            client = esc(client),
            scopes = esc(scopes)
        ),
    )
}

/// The console landing page after federation.
pub fn console(account: &str, role: &str, user: &str, destination: &str, issuer: &str) -> String {
    page(
        "AWS Management Console",
        &format!(
            "<p id=\"identity\">Signed in to account <b id=\"account\">{account}</b> as role \
             <b id=\"role\">{role}</b> (user {user}).</p>\
             <p>Destination: <code id=\"destination\">{destination}</code></p>\
             <p>Issuer: <code id=\"issuer\">{issuer}</code></p>",
            account = esc(account),
            role = esc(role),
            user = esc(user),
            destination = esc(destination),
            issuer = esc(issuer)
        ),
    )
}

/// A page for an error a person sees.
pub fn error(title: &str, message: &str) -> String {
    page(
        title,
        &format!("<p id=\"error\" role=\"alert\">{}</p>", esc(message)),
    )
}
