//! The generated regions of hand-written files: the Python stubs, the C header's doc lists (in
//! the Rust doc comments cbindgen copies), the Perl POD and the lists in the Markdown docs.

use plivo_phlo::ops::RowParam;
use plivo_phlo::{Endpoint, OpSpec, OptionKind, OptionSpec, ParamKind, OPERATIONS, OPTIONS};

use crate::code::{optional_note, py_class, py_sig_param, PY_POSITIONAL};
use crate::{Output, PY_SURFACES};

/// Every generated region.
pub fn outputs() -> Vec<Output> {
    let mut out = Vec::new();
    let region = |path, name, text| Output::Region { path, name, text };
    let stubs = "python/plivo_phlo/_native.pyi";
    for s in PY_SURFACES {
        out.push(region(
            stubs,
            s.stub_region,
            py_stub_class(s.class, s.is_async),
        ));
    }
    out.push(region(stubs, "Simulator.client", py_stub_sim_client()));
    let ffi = "crates/phlo-ffi/src/client.rs";
    out.push(region(ffi, "options", c_options()));
    out.push(region(ffi, "operations", c_operations()));
    let pm = "perl/lib/Plivo/PHLO.pm";
    out.push(region(pm, "options", pod_options()));
    out.push(region(pm, "operations", pod_operations()));
    out.push(region(
        "perl/lib/Plivo/PHLO/Member.pm",
        "member actions",
        pod_member_actions(),
    ));
    out.push(region(
        "perl/lib/Plivo/PHLO/MultiPartyCall.pm",
        "node actions",
        pod_node_actions(),
    ));
    out.push(region("README.md", "options", md_options()));
    out.push(region("README.md", "operations", md_rust_operations()));
    out.push(region("docs/python.md", "options", md_python_options()));
    out.push(region(
        "docs/python.md",
        "operations",
        md_python_operations(),
    ));
    out.push(region("docs/perl.md", "options", md_perl_options()));
    out.push(region("docs/perl.md", "operations", md_perl_operations()));
    out.push(region("docs/c-api.md", "options", md_c_options()));
    out.push(region("docs/c-api.md", "operations", md_c_operations()));
    out
}

/// The rows of the table that are member actions with a fixed action (`mpc_member_hold`, ...).
fn member_actions() -> impl Iterator<Item = &'static OpSpec> {
    OPERATIONS
        .iter()
        .filter(|r| r.endpoint == Endpoint::MemberAction && r.action.is_some())
}

/// The rows that are node actions with a fixed action (`mpc_call`, the transfers).
fn node_actions() -> impl Iterator<Item = &'static OpSpec> {
    OPERATIONS
        .iter()
        .filter(|r| r.endpoint == Endpoint::NodeAction && r.action.is_some())
}

/// An option's kind in words, with its unit and choices.
fn kind_words(o: &OptionSpec) -> String {
    match o.kind {
        OptionKind::Text => "text".into(),
        OptionKind::Seconds => "seconds, a number > 0".into(),
        OptionKind::Count => match o.unit {
            Some(u) => format!("{u}, a whole number"),
            None => "a whole number".into(),
        },
        OptionKind::Bool => "true or false".into(),
        OptionKind::Choice(c) => c.join(", "),
        OptionKind::Pem => "PEM text".into(),
    }
}

/// An option's default as the docs write it: a number of seconds with its unit.
fn default_words(o: &OptionSpec) -> String {
    match o.kind {
        OptionKind::Seconds => format!("{} s", o.default),
        _ => o.default.to_string(),
    }
}

/// Markdown table cells may not hold a `|`.
fn cell(s: &str) -> String {
    s.replace('|', "\\|")
}

// ----------------------------------------------------------------------------------------------
// Python
// ----------------------------------------------------------------------------------------------

/// The stub type of an option's keyword argument.
fn py_option_type(o: &OptionSpec) -> String {
    match o.kind {
        OptionKind::Text => "Optional[str]".into(),
        OptionKind::Seconds => "Optional[float]".into(),
        OptionKind::Count => "Optional[int]".into(),
        OptionKind::Bool => "Optional[bool]".into(),
        OptionKind::Choice(c) => {
            let names: Vec<String> = c.iter().map(|n| format!("{n:?}")).collect();
            format!("Optional[Literal[{}]]", names.join(", "))
        }
        OptionKind::Pem => "Union[str, bytes, None]".into(),
    }
}

/// The stub lines of the options `keep` selects, indented by `indent`.
fn py_option_params(indent: &str, keep: impl Fn(&str) -> bool) -> String {
    OPTIONS
        .iter()
        .filter(|o| keep(o.name))
        .map(|o| format!("{indent}{}: {} = None,\n", o.name, py_option_type(o)))
        .collect()
}

/// A parameter of an operation's method in a stub.
fn py_param(p: &RowParam) -> String {
    let ty = if p.spec.kind.is_json() {
        "Optional[Mapping[str, Any]]"
    } else if p.required {
        "str"
    } else {
        "Optional[str]"
    };
    if p.required && !p.spec.kind.is_json() {
        format!("{}: {ty}", p.spec.name)
    } else {
        format!("{}: {ty} = None", p.spec.name)
    }
}

/// The stub of a client class's constructor and methods.
fn py_stub_class(class: &str, is_async: bool) -> String {
    let mut t = String::new();
    t.push_str("    def __new__(\n        cls,\n        auth_id: Optional[str] = None,\n        auth_token: Optional[str] = None,\n");
    for name in PY_POSITIONAL {
        t.push_str(&py_option_params("        ", |n| n == name));
    }
    t.push_str("        *,\n");
    t.push_str(&py_option_params("        ", |n| {
        !PY_POSITIONAL.contains(&n)
    }));
    t.push_str(&format!("    ) -> {class}: ...\n"));
    for row in OPERATIONS {
        let params: Vec<String> = std::iter::once("self".to_owned())
            .chain(row.params().map(|p| py_param(&p)))
            .collect();
        let ret = py_class(row.model());
        let (def, ret) = if is_async {
            ("async def", ret.to_owned())
        } else {
            ("def", ret.to_owned())
        };
        let one_line = format!("    {def} {}({}) -> {ret}:", row.name, params.join(", "));
        if one_line.len() <= 100 {
            t.push_str(&one_line);
            t.push('\n');
        } else {
            t.push_str(&format!("    {def} {}(\n", row.name));
            for p in &params {
                t.push_str(&format!("        {p},\n"));
            }
            t.push_str(&format!("    ) -> {ret}:\n"));
        }
        t.push_str(&format!(
            "        \"\"\"{}\"\"\"\n",
            row.doc.replace('`', "``")
        ));
    }
    t
}

/// The stubs of `Simulator.client` and `Simulator.async_client`: every option but `base_url`,
/// by keyword.
fn py_stub_sim_client() -> String {
    let mut t = String::new();
    for (method, class) in [("client", "Client"), ("async_client", "AsyncClient")] {
        t.push_str(&format!("    def {method}(\n        self,\n        *,\n"));
        t.push_str(&py_option_params("        ", |n| n != "base_url"));
        t.push_str(&format!("    ) -> {class}: ...\n"));
    }
    t
}

/// The signature of an operation's Python method, for the docs.
fn py_signature(row: &OpSpec) -> String {
    let params: Vec<String> = row.params().map(|p| py_sig_param(&p)).collect();
    format!("{}({})", row.name, params.join(", "))
}

fn md_python_operations() -> String {
    let mut t = String::from("| method | returns | what it does |\n| --- | --- | --- |\n");
    for row in OPERATIONS {
        t.push_str(&format!(
            "| `{}` | `{}` | {} |\n",
            py_signature(row),
            py_class(row.model()),
            cell(&with_defaults(row))
        ));
    }
    t
}

fn md_python_options() -> String {
    let mut t =
        String::from("| option | kind | default | what it does |\n| --- | --- | --- | --- |\n");
    for o in OPTIONS {
        t.push_str(&format!(
            "| `{}` | {} | {} | {} |\n",
            o.name,
            match o.kind {
                OptionKind::Text => "`str`".to_owned(),
                OptionKind::Seconds => "`float` (or `int`): seconds > 0".to_owned(),
                OptionKind::Count => match o.unit {
                    Some(u) => format!("`int`: {u}"),
                    None => "`int`".to_owned(),
                },
                OptionKind::Bool => "`bool`".to_owned(),
                OptionKind::Choice(_) => format!("`str`: {}", kind_words(o)),
                OptionKind::Pem => "`str` or `bytes` (PEM)".to_owned(),
            },
            cell(&default_words(o)),
            cell(o.doc)
        ));
    }
    t
}

/// The row's doc, and what its optional parameters default to.
fn with_defaults(row: &OpSpec) -> String {
    let mut d = row.doc.to_owned();
    if let Some(role) = row.default_role {
        d.push_str(&format!(" `role` defaults to `{role}`."));
    }
    d
}

// ----------------------------------------------------------------------------------------------
// C (doc comments of crates/phlo-ffi, copied into include/phlo.h by cbindgen)
// ----------------------------------------------------------------------------------------------

/// Lines of a Rust doc comment, wrapped at 100 columns with `prefix` on each.
fn doc_wrap(prefix: &str, text: &str, first: &str, rest: &str) -> String {
    let width = 100 - prefix.len();
    let mut out = String::new();
    let mut line = first.to_owned();
    for word in text.split(' ') {
        if line.len() + word.len() + 1 > width && line.trim().len() > rest.len() {
            out.push_str(prefix);
            out.push_str(line.trim_end());
            out.push('\n');
            line = rest.to_owned();
        }
        if !line.is_empty() && !line.ends_with(' ') {
            line.push(' ');
        }
        line.push_str(word);
    }
    out.push_str(prefix);
    out.push_str(line.trim_end());
    out.push('\n');
    out
}

fn c_options() -> String {
    let mut t = String::new();
    for o in OPTIONS {
        let default = match o.name {
            // C's own default for the User-Agent comment.
            "user_agent_suffix" => "\"C\" (also when empty)".to_owned(),
            _ => default_words(o),
        };
        let text = format!(
            "`\"{}\"` ({}; default {}). {}",
            o.name,
            kind_words(o),
            default,
            o.doc
        );
        t.push_str(&doc_wrap("/// ", &text, "  -", "    "));
    }
    t
}

fn c_operations() -> String {
    let names: Vec<String> = OPERATIONS
        .iter()
        .map(|r| format!("`{}`,", r.name))
        .collect();
    let mut text = names.join(" ");
    text.pop();
    text.push('.');
    doc_wrap("/// ", &text, "  ", "  ")
}

fn md_c_operations() -> String {
    let mut t = String::from(
        "| operation | parameters (`?`: optional) | what it does |\n| --- | --- | --- |\n",
    );
    for row in OPERATIONS {
        t.push_str(&format!(
            "| `{}` | `{}` | {} |\n",
            row.name,
            row.params.join("`, `"),
            cell(&with_defaults(row))
        ));
    }
    t
}

fn md_c_options() -> String {
    let mut t =
        String::from("| key | JSON value | default | what it does |\n| --- | --- | --- | --- |\n");
    for o in OPTIONS {
        let kind = match o.kind {
            OptionKind::Text => "string".to_owned(),
            OptionKind::Pem => "string (PEM)".to_owned(),
            OptionKind::Choice(_) => format!("string: {}", kind_words(o)),
            OptionKind::Bool => "`true` or `false`".into(),
            OptionKind::Seconds => "number: seconds > 0".into(),
            OptionKind::Count => match o.unit {
                Some(u) => format!("integer >= 0: {u}"),
                None => "integer >= 0".into(),
            },
        };
        let default = match o.name {
            "user_agent_suffix" => "`C` (also when empty)".to_owned(),
            _ => default_words(o),
        };
        t.push_str(&format!(
            "| `\"{}\"` | {} | {} | {} |\n",
            o.name,
            kind,
            cell(&default),
            cell(o.doc)
        ));
    }
    t
}

// ----------------------------------------------------------------------------------------------
// Perl
// ----------------------------------------------------------------------------------------------

/// A Perl call of an operation's method: positional parameters first, then `name => value`.
fn perl_call(row: &OpSpec) -> String {
    let mut args: Vec<String> = Vec::new();
    for p in row.params() {
        let n = p.spec.name;
        if p.spec.named {
            args.push(format!("{n} => ${n}"));
        } else if p.spec.kind == ParamKind::Object {
            args.push(format!("\\%{n}"));
        } else {
            args.push(format!("${n}"));
        }
    }
    format!("$client->{}({})", row.name, args.join(", "))
}

/// The parameter lines of an operation for POD.
fn pod_params(row: &OpSpec) -> String {
    let params: Vec<RowParam> = row.params().collect();
    if params.is_empty() {
        return String::new();
    }
    // Paragraphs, not `=item`s: the same parameter in many operations would make POD link
    // targets of the same name.
    let mut t = String::new();
    for p in &params {
        let how = if p.spec.named { " (by name)" } else { "" };
        t.push_str(&format!(
            "C<{}>{how}: {}{}\n\n",
            p.spec.name,
            p.spec.doc,
            optional_note(row, p).replace('`', "")
        ));
    }
    t
}

fn pod_operations() -> String {
    let mut t = String::from("\n");
    for row in OPERATIONS {
        t.push_str(&format!("=head2 {}\n\n", row.name));
        t.push_str(&format!("    my $r = {};\n\n", perl_call(row)));
        t.push_str(&format!("{}\n\n", row.doc.replace('`', "")));
        t.push_str(&pod_params(row));
    }
    t
}

fn pod_options() -> String {
    let mut t = String::from("\n=over 4\n\n");
    for o in OPTIONS {
        let default = match o.name {
            "user_agent_suffix" => format!("C<Perl: {}>", "5.x.y"),
            _ => default_words(o),
        };
        t.push_str(&format!(
            "=item {}\n\n{} ({}; default {}.)\n\n",
            o.name,
            o.doc,
            kind_words(o),
            default
        ));
    }
    t.push_str("=back\n\n");
    t
}

fn pod_member_actions() -> String {
    let mut t = String::from("\n");
    let mut seen: Vec<&str> = Vec::new();
    for row in member_actions() {
        let action = row.action.expect("filtered on a fixed action");
        if seen.contains(&action) {
            continue;
        }
        seen.push(action);
        let ops: Vec<String> = member_actions()
            .filter(|r| r.action == Some(action))
            .map(|r| {
                let on = r.node_type.map_or("either node", |n| n.as_str());
                format!("C<{}> on a C<{on}> node", r.name)
            })
            .collect();
        t.push_str(&format!(
            "=head2 {action}\n\n    $member->{action};\n\n{} Sends {}.\n\n",
            row.doc.replace('`', ""),
            ops.join(", ")
        ));
    }
    t
}

fn pod_node_actions() -> String {
    let mut t = String::from("\n");
    for row in node_actions() {
        let action = row.action.expect("filtered on a fixed action");
        let named: Vec<String> = row
            .params()
            .filter(|p| p.spec.named)
            .map(|p| format!("{n} => ${n}", n = p.spec.name))
            .collect();
        t.push_str(&format!(
            "=head2 {action}\n\n    $mpc->{action}({});\n\n{} Sends C<{}> with this node's ids.\n\n",
            named.join(", "),
            with_defaults(row).replace('`', ""),
            row.name
        ));
    }
    t
}

fn md_perl_operations() -> String {
    let mut t = String::from("| call | what it does |\n| --- | --- |\n");
    for row in OPERATIONS {
        t.push_str(&format!(
            "| `{}` | {} |\n",
            perl_call(row),
            cell(&with_defaults(row))
        ));
    }
    t
}

fn md_perl_options() -> String {
    let mut t =
        String::from("| option | value | default | what it does |\n| --- | --- | --- | --- |\n");
    for o in OPTIONS {
        let default = match o.name {
            "user_agent_suffix" => "`Perl: 5.x.y`".to_owned(),
            _ => default_words(o),
        };
        t.push_str(&format!(
            "| `{}` | {} | {} | {} |\n",
            o.name,
            kind_words(o),
            cell(&default),
            cell(o.doc)
        ));
    }
    t
}

// ----------------------------------------------------------------------------------------------
// README
// ----------------------------------------------------------------------------------------------

fn md_options() -> String {
    let mut t =
        String::from("| option | kind | default | what it does |\n| --- | --- | --- | --- |\n");
    for o in OPTIONS {
        t.push_str(&format!(
            "| `{}` | {} | {} | {} |\n",
            o.name,
            kind_words(o),
            cell(&default_words(o)),
            cell(o.doc)
        ));
    }
    t
}

fn md_rust_operations() -> String {
    let names: Vec<String> = OPERATIONS.iter().map(|r| format!("`{}`", r.name)).collect();
    format!(
        "Every operation of the API is one method: {}.\n",
        names.join(", ")
    )
}
