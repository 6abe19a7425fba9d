package Plivo::PHLO;

# The Perl face of libphlo. The methods are made at load time from the core's table of operations
# (phlo_operations_json): a new operation of the core is a new method here with no Perl code, and
# its POD is written by `cargo xtask gen` (the parts between BEGIN GENERATED and END GENERATED).
# Every call takes one rule to the core: when every parameter given is text that a C string can
# carry, phlo_client_call_strings (no JSON); otherwise phlo_client_call with a JSON object. The
# options of new are the core's too, handed over as JSON. Validation, defaults, retries, errors
# and secrets are the core's; this file only turns Perl values into C and JSON and back.

use strict;
use warnings;

use Scalar::Util ();

use Plivo::PHLO::Error;
use Plivo::PHLO::FFI;
use Plivo::PHLO::MultiPartyCall;
use Plivo::PHLO::ConferenceBridge;
use Plivo::PHLO::Member;

our $VERSION = '0.1.0';

# The parameters of each operation whose values are JSON (a run's payload, a raw body), from the
# kinds in the core's table (filled below, with the methods): they always go as JSON, as they are.
my %JSON_PARAMS;

sub _invalid { Plivo::PHLO::FFI::invalid(@_) }

# name => value pairs (or one hash reference), as a list for a hash, or invalid_argument for an
# odd list. The names are the core's to judge: an undef, a reference or any other name that is no
# parameter (or option) is refused by the core, naming it. Assign the list under
# `no warnings 'uninitialized'` (an undef name would warn).
sub _named {
    my $what = shift;
    return %{ $_[0] } if @_ == 1 && ref $_[0] eq 'HASH';
    die _invalid(undef, "$what: odd number of arguments (" . scalar(@_) . '); expected name => value pairs') if @_ % 2;
    return @_;
}

# The invocant of an object method must be a client (not the class name, not another object):
# anything else would die with Perl's own "Can't use string as a HASH ref", not a typed error.
sub _self { Plivo::PHLO::FFI::check_self($_[0], __PACKAGE__, $_[1]) }

sub new {
    my $class = shift;
    # Plivo::PHLO->new or $client->new (a new client of the same class).
    $class = ref $class if Scalar::Util::blessed($class) && $class->isa(__PACKAGE__);
    die _invalid(undef, 'new is a class method: Plivo::PHLO->new(%options)')
      unless defined $class && !ref $class && !Plivo::PHLO::FFI::_malformed($class) && UNIVERSAL::isa($class, __PACKAGE__);
    my %args;
    {
        no warnings 'uninitialized';    # an undef name is '': not an option, which the core says
        %args = _named('new', @_);
    }
    my $auth_id    = Plivo::PHLO::FFI::c_string('auth_id',    delete $args{auth_id},    1);
    my $auth_token = Plivo::PHLO::FFI::c_string('auth_token', delete $args{auth_token}, 1);
    # Every other argument is an option of the core, given as its text (the core reads a time,
    # a count or a flag from its text as from a number); undef means the default.
    my %opts;
    for my $name (keys %args) {
        my $v = $args{$name};
        next unless defined $v;
        die _invalid(undef, 'an option name ' . Plivo::PHLO::FFI::_MALFORMED) if Plivo::PHLO::FFI::_malformed($name);
        my $t = Plivo::PHLO::FFI::text($name, $v);
        die _invalid($name, 'must be a string or a number, not ' . Plivo::PHLO::FFI::_a(ref $v) . ' reference')
          unless defined $t;
        $opts{$name} = $t;
    }
    # The User-Agent names the runtime: plivo-phlo/0.1.0 (Perl: 5.36.0).
    $opts{user_agent_suffix} //= sprintf('Perl: %vd', $^V);
    my $handle = Plivo::PHLO::FFI::client_new($auth_id, $auth_token, \%opts);
    return bless { handle => $handle, last_status => undef, last_body => undef }, $class;
}

sub call {
    my ($self, $operation, $params, @rest) = @_;
    _self($self, 'call');
    die _invalid(undef, 'call: expected ($operation, \%params); got ' . (2 + @rest) . ' arguments') if @rest;
    my $op = Plivo::PHLO::FFI::c_string('operation', $operation);
    $params //= {};
    die _invalid('params', 'must be a hash reference, not ' . (ref $params ? ref($params) . ' reference' : 'a plain scalar'))
      unless ref $params eq 'HASH';
    my @names = keys %$params;
    return _send($self, $op, \@names, [ @$params{@names} ]);
}

# Sends operation $op (a C string) with the parameters @$names and their values @$values (undef:
# not given; the arrays are the caller's own, and this sub changes them), by the one rule: text a
# C string can carry through phlo_client_call_strings; anything else (a JSON-valued parameter, a
# reference, text holding NUL) makes the call go as JSON, which carries every value to the core.
# Sets last_status and last_body.
sub _send {
    my ($self, $op, $names, $values) = @_;
    # A new ithread gets no copy of the handle (CLONE_SKIP): say so plainly instead of passing
    # NULL. (A child made by fork uses the handle as it is: libphlo opens its own connections
    # there and leaves the parent's alone.)
    my $handle = $self->{handle};
    if (ref $handle ne 'Plivo::PHLO::FFI::Handle') {
        die _invalid(undef, 'this Plivo::PHLO object has no library handle (it was not made by Plivo::PHLO->new); '
              . 'create a client with Plivo::PHLO->new')
          if !exists $self->{handle};
        die _invalid(undef, 'this Plivo::PHLO client belongs to another thread; in each thread, '
              . 'create a new client with Plivo::PHLO->new');
    }
    my $json_param = $JSON_PARAMS{$op};
    my $json = $json_param && grep { $json_param->{ $names->[$_] } && defined $values->[$_] } 0 .. $#$names;
    if (!$json) {
        # What needs more than passing on as it is, found by one screen of all the text: a
        # reference (which stringifies as "HASH(0x...)"), non-ASCII (encoded as UTF-8, or a
        # malformed string), NUL (no C string carries it), and the names of Inf and NaN (which a
        # number that JSON cannot carry turns into). Most calls need no more.
        no warnings qw(uninitialized utf8);    # undef: not given; a malformed string: caught below
        my $all = join "\n", @$names, @$values;
        $json = _text_problem($names, $values)
          if $all =~ tr/\x01-\x7f//c || index($all, '(0x') >= 0 || index($all, 'Inf') >= 0 || index($all, 'NaN') >= 0;
    }
    # undef (not given) packs as NULL in pack('p*'), which leaves the parameter out.
    return $json
      ? Plivo::PHLO::FFI::client_call($handle, $op, _json_params($names, $values, $json_param), $self)
      : Plivo::PHLO::FFI::client_call_strings($handle, $op, $names, $values, $self);
}

# The parameters @$names / @$values (undef where not given) that the screen in _send flagged: dies
# with invalid_argument for the number Inf or NaN and for a malformed name or value; encodes the
# text as UTF-8 in place. True when the call must go as JSON: a value is a reference, or text
# holds NUL.
sub _text_problem {
    my ($names, $values) = @_;
    my $json;
    for my $i (0 .. $#$names) {
        my ($k, $v) = ($names->[$i], $values->[$i]);
        die _invalid(undef, 'a parameter name ' . Plivo::PHLO::FFI::_MALFORMED) if Plivo::PHLO::FFI::_malformed($k);
        next unless defined $v;
        if (ref $v) {
            $json = 1;
            next;
        }
        Plivo::PHLO::FFI::text($k, $v);    # dies for Inf, NaN, a malformed string
        $json ||= index($k, "\0") >= 0 || index($v, "\0") >= 0;
    }
    return 1 if $json;
    utf8::encode($_) for @$names, grep { defined } @$values;
    return undef;
}
# The parameters of a call that goes as JSON, as the JSON object: text as text (a number as its
# string, an object with "" overloading as its string), JSON-valued parameters ($json_param) and
# hashes, arrays and objects that convert themselves as JSON values. Dies with invalid_argument
# naming the parameter for what neither text nor JSON can carry.
sub _json_params {
    my ($names, $values, $json_param) = @_;
    my %given;
    for my $i (0 .. $#$names) {
        my ($k, $v) = ($names->[$i], $values->[$i]);
        next unless defined $v;
        die _invalid(undef, 'a parameter name ' . Plivo::PHLO::FFI::_MALFORMED) if Plivo::PHLO::FFI::_malformed($k);
        my $as_json = $json_param && $json_param->{$k};
        my $t = $as_json || Scalar::Util::blessed($v) && $v->can('TO_JSON') ? undef : Plivo::PHLO::FFI::text($k, $v);
        if (defined $t) {
            $given{$k} = $t;
            next;
        }
        # A glob is no reference but no JSON either: it goes as its name, as JSON::PP writes it.
        $v = "$v" if ref \$v eq 'GLOB';
        my $why = Plivo::PHLO::FFI::json_value_problem($v);
        die _invalid($k, $as_json || !ref $v || ref $v eq 'HASH' || ref $v eq 'ARRAY' ? $why : "must be a string (or JSON), not $why")
          if defined $why;
        $given{$k} = $v;
    }
    return \%given;
}
sub last_status { _self($_[0], 'last_status')->{last_status} }
sub last_body   { _self($_[0], 'last_body')->{last_body} }

sub multi_party_call {
    my ($self, @ids) = @_;
    _self($self, 'multi_party_call');
    return Plivo::PHLO::MultiPartyCall->new($self, 'multi_party_call', @ids);
}

sub conference_bridge {
    my ($self, @ids) = @_;
    _self($self, 'conference_bridge');
    return Plivo::PHLO::ConferenceBridge->new($self, 'conference_bridge', @ids);
}

sub operations      { @{ Plivo::PHLO::FFI::operations() } }
sub options         { @{ Plivo::PHLO::FFI::options() } }
sub library_version { Plivo::PHLO::FFI::version() }
sub library_path    { Plivo::PHLO::FFI::_load(); $Plivo::PHLO::FFI::LIBRARY }

# ---------------------------------------------------------------------------------------------
# One method per core operation, made from the core's table.
# ---------------------------------------------------------------------------------------------

# The method of the row $spec: its positional parameters in the row's order (the core lists the
# required ones first), then its named ones as name => value pairs or one hash reference.
sub _make_method {
    my ($spec) = @_;
    my $op = $spec->{name};
    my %named = map { $_ => 1 } @{ $spec->{named} || [] };
    my @positional = grep { !$named{$_} } @{ $spec->{params} || [] }, @{ $spec->{optional} || [] };
    my $signature = join(', ', @positional) . (%named ? ', name => value, ...' : '');
    my $npos = @positional;
    return sub {
        my $self = shift;
        $self = _self($self, $op) unless ref $self eq __PACKAGE__ && Scalar::Util::reftype($self) eq 'HASH';
        my $n = @_ < $npos ? @_ : $npos;
        my @names = @positional[ 0 .. $n - 1 ];
        my @values = @_[ 0 .. $n - 1 ];    # copies
        if (@_ > $npos) {
            die _invalid(undef, "$op($signature) takes at most $npos argument" . ($npos == 1 ? '' : 's')
                  . ', got ' . scalar(@_))
              unless %named;
            # A hash: a name given twice keeps its last value.
            my %more;
            {
                no warnings 'uninitialized';    # an undef name is '': no parameter, which the core says
                %more = _named($op, @_[ $npos .. $#_ ]);
            }
            for (@positional) {
                die _invalid($_, "is positional in $op($signature)") if exists $more{$_};
            }
            push @names, keys %more;
            push @values, values %more;
        }
        return _send($self, $op, \@names, \@values);
    };
}

for my $spec (@{ Plivo::PHLO::FFI::operations() }) {
    my $name = $spec->{name};
    my $kinds = $spec->{kinds} || {};
    my @json = grep { $kinds->{$_} =~ /\A(?:object|json)\z/ } keys %$kinds;
    $JSON_PARAMS{$name} = { map { $_ => 1 } @json } if defined $name && @json;
    next if !defined $name || $name !~ /\A[a-z_][a-z0-9_]*\z/ || __PACKAGE__->can($name);
    no strict 'refs';
    *{$name} = _make_method($spec);
}

1;

__END__

=encoding utf8

=head1 NAME

Plivo::PHLO - Plivo PHLO runner client for Perl, on libphlo

=head1 SYNOPSIS

    use Plivo::PHLO;

    # Credentials from PLIVO_AUTH_ID / PLIVO_AUTH_TOKEN, base URL from PLIVO_PHLO_BASE_URL.
    my $client = Plivo::PHLO->new;

    # Or explicitly:
    my $client = Plivo::PHLO->new(
        auth_id    => 'MAXXXXXXXXXXXXXXXXXX',
        auth_token => $token,
        timeout    => 10,        # seconds
    );

    # The seed program: a cold transfer.
    my $r = $client->multi_party_call($phlo_id, $node_id)->cold_transfer(
        to             => '+14152225555',
        role           => 'agent',
        trigger_source => '+14152223333',
    );
    print $client->last_status, " ", $r->{api_id}, "\n";    # 201 8c0f5e2a-...

    # The same with the flat method named like the core's operation:
    $client->mpc_cold_transfer($phlo_id, $node_id,
        to => '+14152225555', trigger_source => '+14152223333');

    $client->multi_party_call($phlo_id, $node_id)->member('+14153336666')->hold;

    my $run = $client->run_phlo($phlo_id, { from => '+14152225555', to => '+14153336666' });

    # Errors are Plivo::PHLO::Error objects.
    eval { $client->get_phlo('00000000-0000-4000-8000-000000000000') };
    print $@->kind, "\n" if ref $@;    # not_found

=head1 DESCRIPTION

A client for Plivo's PHLO runner API (start a PHLO, read PHLOs and nodes, steer the live calls of
multi-party-call and conference-bridge nodes). It is a thin layer over B<libphlo>, the project's
Rust core behind a C ABI, loaded with L<FFI::Platypus>: validation, URL building, retries,
timeouts and error mapping all happen in the core, identically for the C, Python and Perl users.

Every method sends one request and returns the service's JSON response decoded into a hash
reference (strings stay strings, unknown fields are kept, booleans are C<JSON::PP::Boolean>). The
module uses one JSON module, chosen when it loads: L<Cpanel::JSON::XS> when it is installed, else
L<JSON::PP> (or when C<PLIVO_PHLO_JSON=JSON::PP>). Both give the same data for every answer the
service sends; numbers it never sends (20 digits or more, exponents) are decoded as the chosen
module decodes them (see L<Plivo::PHLO::FFI/json_backend>). The HTTP status of the last call is
L</last_status>. Every failure dies with a L<Plivo::PHLO::Error>.

=head2 Arguments

Ids, addresses, roles and actions are strings. A number is accepted and sent as its string form
(C<1234> becomes C<"1234">, which the core then accepts or rejects by its own rules); an object
with string overloading is sent as its string. An undef argument counts as not given, so a
required one fails with C<invalid_argument> naming it. What only a Perl value can get wrong fails
with C<invalid_argument> before anything is sent: the numbers C<Inf> and C<NaN> (as a string
parameter or inside a payload: JSON has no such number), a malformed Perl string (the UTF-8 flag
on bytes that are not UTF-8, as C<Encode::_utf8_on> can make), a reference that is neither text
nor JSON, an odd-length list of named arguments, too many positional arguments, a method called on
the class name or on anything but an object of its class (C<< Plivo::PHLO->get_phlo(...) >>).
Everything else is checked by the core, as in every language. No call warns.
F<t/04-bad-input.t> tries about ten thousand such inputs.

One rule sends every call: when every parameter given is text a C string can carry, libphlo's
C<phlo_client_call_strings> (no JSON); otherwise (a run's payload, a raw body, a hash or array
where text belongs, text holding a NUL byte) C<phlo_client_call> with a JSON object. The request
sent is the same either way.

=head2 Finding libphlo

The library is loaded when the module is first used, from, in order: C<$ENV{PLIVO_PHLO_LIB}> (a
path to F<libphlo.so>); when the module is the one in a checkout of the repository,
F<target/release> then F<target/debug> there (and in C<$ENV{CARGO_TARGET_DIR}>); the copy that
the distribution's C<make install> put beside the module (F<auto/Plivo/PHLO/libphlo.so> in an
C<@INC> directory), or the installed libphlo it was built against (found by pkg-config); the
system library path. When it is nowhere, C<use Plivo::PHLO> dies with a message naming every
place searched. See L<Plivo::PHLO::FFI>.

=head2 Threads and processes

One client can be used for many calls. A call runs its request on the calling thread and keeps
the connection open for the next call. Error details are per thread in the core and read right
after each call. The module is blocking: a program with an event loop calls it from a worker
(a forked process or a thread), as it would any blocking client.

A client made before C<fork> works in the child: the child's first call opens new connections,
the parent's are never read, written or closed by the child, and the child may drop the client
(C<DESTROY>) safely; the parent keeps working. A Perl ithread does not inherit clients (their
handles are not cloned); create one per thread.

Signals are Perl's deferred ("safe") signals: a C<%SIG> handler for a signal that arrives during
a call runs when the call returns (an C<alarm> does not cut a call short; use the C<timeout>
option to bound it). A C<die> in such a handler surfaces as itself, never as another error of
this module; the call's result is then lost, as with any C<die>.

While a call runs, libphlo blocks C<SIGPIPE> in the calling thread: a connection the service
closes while a request is still being written is then the C<connection> (or HTTP) error it
should be, instead of a C<SIGPIPE> that would kill the program (Perl, unlike Rust, leaves
C<SIGPIPE> at its default action). The calling thread's signal mask and C<$SIG{PIPE}> are left
as they were.

=head1 CONSTRUCTOR

=head2 new

    my $client = Plivo::PHLO->new(%options);

C<auth_id> and C<auth_token> are the account credentials; when either is omitted (or undef),
C<PLIVO_AUTH_ID> and C<PLIVO_AUTH_TOKEN> are used, and no credentials at all is an
C<authentication> error. The token is never put in an error, nor kept in the client object.

Every other argument is a client option of the core, with the same name and unit as in every
other binding (times are seconds, fractions allowed; L</options> lists them); undef means the
default. An unknown option, or a value that does not fit it, is C<invalid_argument> naming it.

=for comment BEGIN GENERATED: options (cargo xtask gen)

=over 4

=item base_url

The runner's base URL: scheme, host and optional port, without /v1 (e.g. a simulator's). Plain http:// is for loopback hosts unless allow_insecure_http is set. (text; default PLIVO_PHLO_BASE_URL, else https://phlorunner.plivo.com.)

=item timeout

Time allowed for each attempt of a request, from connecting to the last byte of the answer. (seconds, a number > 0; default 30 s.)

=item connect_timeout

Time allowed to open a connection. (seconds, a number > 0; default 5 s.)

=item max_retries

Most retries after the first attempt (0 turns retries off). Reads are retried on transient failures; runs and actions as action_retry says. (a whole number; default 2.)

=item action_retry

When runs and call-control actions, which are not idempotent, are retried: never; safe, only when the request never reached the service or it answered 429; always, like reads. (never, safe, always; default safe.)

=item proxy

A proxy URL for every request, e.g. http://proxy:3128. (text; default none; HTTPS_PROXY and NO_PROXY apply.)

=item ca_cert_pem

Extra trusted CA certificates, PEM-encoded (one or a bundle), e.g. a TLS-intercepting proxy's. (PEM text; default none; the system's roots.)

=item user_agent_suffix

The comment of the User-Agent header: plivo-phlo/<version> (<suffix>). (text; default C<Perl: 5.x.y>.)

=item max_response_bytes

The largest answer accepted; a larger one is a decode error, never an allocation. (bytes, a whole number; default 1048576.)

=item allow_insecure_http

Allows a plain http:// base URL on a host that is not loopback, which sends the credentials in clear. (true or false; default false.)

=item max_in_flight

Most requests one client has in flight at once; further calls wait for a slot, within their timeout. (a whole number; default 100.)

=item validation

What is checked before a request is sent: strict, the checks of the API reference (ids, phone numbers and SIP URIs, roles, actions); service, only what is unsafe in a URL or certainly invalid, leaving the rest to the service (the drop-in's setting). (strict, service; default strict.)

=back

=for comment END GENERATED: options

Returns the client. Dies with a L<Plivo::PHLO::Error> (C<invalid_argument> for a bad option,
C<authentication> for missing credentials). Nothing is sent over the network.

=head1 GENERIC CALL

=head2 call

    my $result = $client->call($operation, \%params);
    my $r = $client->call(mpc_member_hold => {
        phlo_id => $p, node_id => $n, member_id => '+14153336666' });

Runs any operation of the core by name with a hash reference of parameters (names as in the
tables below and in L</operations>). C<payload> (for C<run_phlo>) and C<body> (for C<raw>) are
sent as JSON values; every other parameter is sent as a string. Returns the decoded response
(a hash reference) and sets L</last_status>. A 2xx answer with no body (the service answers
some member actions so) is a success: an empty hash reference, with L</last_status> set and
L</last_body> C<''>, never a C<decode> error. Dies with a L<Plivo::PHLO::Error>: an unknown
operation or parameter is C<invalid_argument>.

=head2 last_status

The HTTP status of the last call on this client (e.g. 200 or 201; the status of the error
response when the last call failed with one; undef before any call or when no response came).

=head2 last_body

The JSON text of the last successful response, exactly as libphlo returned it (undef after a
failure): a JSON object, or C<''> when the service answered 2xx with no body (the result is then
an empty hash reference). Check for C<''> before decoding it yourself.

=head1 OPERATIONS

One method per operation of the core, with the core's name and parameters (the same as in every
other binding). Positional parameters come first, in the order shown; the parties of a node
action (C<trigger_source>, C<to>, C<role>: marked "by name") follow as C<< name => value >> pairs
or one hash reference. Each returns the response as a hash reference (empty when the service
answered 2xx with no body; see L</call>) and dies with a L<Plivo::PHLO::Error>.

=for comment BEGIN GENERATED: operations (cargo xtask gen)

=head2 get_phlo

    my $r = $client->get_phlo($phlo_id);

Reads a PHLO's metadata; an unknown PHLO is not_found.

C<phlo_id>: The PHLO id.

=head2 run_phlo

    my $r = $client->run_phlo($phlo_id, \%payload);

Starts a run of a PHLO, with optional start variables; a "stopped ..." message is still a success.

C<phlo_id>: The PHLO id.

C<payload>: The start node's variables, a JSON object; entries that are null are dropped. Optional.

=head2 get_phlo_run

    my $r = $client->get_phlo_run($phlo_id, $run_id);

Reads a PHLO run (legacy endpoint; any field may be missing).

C<phlo_id>: The PHLO id.

C<run_id>: The run id.

=head2 get_node

    my $r = $client->get_node($phlo_id, $node_type, $node_id);

Reads a node of either type.

C<phlo_id>: The PHLO id.

C<node_type>: The node type: multi_party_call or conference_bridge.

C<node_id>: The node id.

=head2 get_multi_party_call

    my $r = $client->get_multi_party_call($phlo_id, $node_id);

Reads a multi-party-call node.

C<phlo_id>: The PHLO id.

C<node_id>: The node id.

=head2 get_conference_bridge

    my $r = $client->get_conference_bridge($phlo_id, $node_id);

Reads a conference-bridge node.

C<phlo_id>: The PHLO id.

C<node_id>: The node id.

=head2 mpc_call

    my $r = $client->mpc_call($phlo_id, $node_id, trigger_source => $trigger_source, to => $to, role => $role);

Dials to into the multi-party call with role, on behalf of trigger_source.

C<phlo_id>: The PHLO id.

C<node_id>: The node id.

C<trigger_source> (by name): The connected member on whose behalf the action runs: a phone number or SIP URI.

C<to> (by name): The party to dial: a phone number or SIP URI.

C<role> (by name): The dialled party's role: agent, customer or supervisor.

=head2 mpc_warm_transfer

    my $r = $client->mpc_warm_transfer($phlo_id, $node_id, trigger_source => $trigger_source, to => $to, role => $role);

Consultative transfer: trigger_source talks to to first while the other members wait on hold.

C<phlo_id>: The PHLO id.

C<node_id>: The node id.

C<trigger_source> (by name): The connected member on whose behalf the action runs: a phone number or SIP URI.

C<to> (by name): The party to dial: a phone number or SIP URI.

C<role> (by name): The dialled party's role: agent, customer or supervisor. Optional; default agent.

=head2 mpc_cold_transfer

    my $r = $client->mpc_cold_transfer($phlo_id, $node_id, trigger_source => $trigger_source, to => $to, role => $role);

Blind transfer: the other party is connected to to and trigger_source leaves the call.

C<phlo_id>: The PHLO id.

C<node_id>: The node id.

C<trigger_source> (by name): The connected member on whose behalf the action runs: a phone number or SIP URI.

C<to> (by name): The party to dial: a phone number or SIP URI.

C<role> (by name): The dialled party's role: agent, customer or supervisor. Optional; default agent.

=head2 mpc_member_abort_transfer

    my $r = $client->mpc_member_abort_transfer($phlo_id, $node_id, $member_id);

Cancels the warm transfer this member started.

C<phlo_id>: The PHLO id.

C<node_id>: The node id.

C<member_id>: The member's address: a phone number or SIP URI.

=head2 mpc_member_resume_call

    my $r = $client->mpc_member_resume_call($phlo_id, $node_id, $member_id);

Completes a warm transfer: the member goes back into the call.

C<phlo_id>: The PHLO id.

C<node_id>: The node id.

C<member_id>: The member's address: a phone number or SIP URI.

=head2 mpc_member_voicemail_drop

    my $r = $client->mpc_member_voicemail_drop($phlo_id, $node_id, $member_id);

Leaves the node's voicemail on the member's line and drops the member.

C<phlo_id>: The PHLO id.

C<node_id>: The node id.

C<member_id>: The member's address: a phone number or SIP URI.

=head2 mpc_member_hangup

    my $r = $client->mpc_member_hangup($phlo_id, $node_id, $member_id);

Disconnects a multi-party-call member.

C<phlo_id>: The PHLO id.

C<node_id>: The node id.

C<member_id>: The member's address: a phone number or SIP URI.

=head2 mpc_member_hold

    my $r = $client->mpc_member_hold($phlo_id, $node_id, $member_id);

Puts a multi-party-call member on hold.

C<phlo_id>: The PHLO id.

C<node_id>: The node id.

C<member_id>: The member's address: a phone number or SIP URI.

=head2 mpc_member_unhold

    my $r = $client->mpc_member_unhold($phlo_id, $node_id, $member_id);

Takes a multi-party-call member off hold.

C<phlo_id>: The PHLO id.

C<node_id>: The node id.

C<member_id>: The member's address: a phone number or SIP URI.

=head2 mpc_member_mute

    my $r = $client->mpc_member_mute($phlo_id, $node_id, $member_id);

Mutes a multi-party-call member.

C<phlo_id>: The PHLO id.

C<node_id>: The node id.

C<member_id>: The member's address: a phone number or SIP URI.

=head2 mpc_member_unmute

    my $r = $client->mpc_member_unmute($phlo_id, $node_id, $member_id);

Unmutes a multi-party-call member.

C<phlo_id>: The PHLO id.

C<node_id>: The node id.

C<member_id>: The member's address: a phone number or SIP URI.

=head2 bridge_member_mute

    my $r = $client->bridge_member_mute($phlo_id, $node_id, $member_id);

Mutes a conference-bridge member.

C<phlo_id>: The PHLO id.

C<node_id>: The node id.

C<member_id>: The member's address: a phone number or SIP URI.

=head2 bridge_member_unmute

    my $r = $client->bridge_member_unmute($phlo_id, $node_id, $member_id);

Unmutes a conference-bridge member.

C<phlo_id>: The PHLO id.

C<node_id>: The node id.

C<member_id>: The member's address: a phone number or SIP URI.

=head2 bridge_member_hangup

    my $r = $client->bridge_member_hangup($phlo_id, $node_id, $member_id);

Disconnects a conference-bridge member.

C<phlo_id>: The PHLO id.

C<node_id>: The node id.

C<member_id>: The member's address: a phone number or SIP URI.

=head2 node_action

    my $r = $client->node_action($phlo_id, $node_id, $action, trigger_source => $trigger_source, to => $to, role => $role);

Any multi-party-call action by name; role is left out of the request when not given.

C<phlo_id>: The PHLO id.

C<node_id>: The node id.

C<action>: The action, e.g. hold or cold_transfer.

C<trigger_source> (by name): The connected member on whose behalf the action runs: a phone number or SIP URI.

C<to> (by name): The party to dial: a phone number or SIP URI.

C<role> (by name): The dialled party's role: agent, customer or supervisor. Optional; left out of the request when not given.

=head2 member_action

    my $r = $client->member_action($phlo_id, $node_type, $node_id, $member_id, $action);

Any member action by name, on either node type.

C<phlo_id>: The PHLO id.

C<node_type>: The node type: multi_party_call or conference_bridge.

C<node_id>: The node id.

C<member_id>: The member's address: a phone number or SIP URI.

C<action>: The action, e.g. hold or cold_transfer.

=head2 raw

    my $r = $client->raw($method, $path, $body);

Any request the typed operations lack: a method, a path from /v1/ and an optional JSON body, with the same credentials, retries and errors.

C<method>: The HTTP method: GET, POST, PUT or DELETE.

C<path>: The path, from /v1/ (e.g. /v1/phlo/<id>).

C<body>: The JSON body (a POST without one sends {}). Optional.

=for comment END GENERATED: operations

=head1 OBJECT STYLE

=head2 multi_party_call

    my $mpc = $client->multi_party_call($phlo_id, $node_id);
    $mpc->cold_transfer(to => '+14152225555', trigger_source => '+14152223333');
    $mpc->member('+14153336666')->hold;

Returns a L<Plivo::PHLO::MultiPartyCall> for the node; sends nothing. Dies with
C<invalid_argument> when an id is undef or a reference.

=head2 conference_bridge

    my $bridge = $client->conference_bridge($phlo_id, $node_id);
    $bridge->member('+14155550123')->mute;

Returns a L<Plivo::PHLO::ConferenceBridge> for the node; sends nothing.

=head1 INTROSPECTION

=head2 operations

    my @ops = Plivo::PHLO->operations;   # ({name => 'get_phlo', params => [...], doc => ...}, ...)

The core's operation table (from C<phlo_operations_json>), one hash reference per operation.

=head2 options

    my @options = Plivo::PHLO->options;   # ({name => 'timeout', kind => 'seconds', ...}, ...)

The core's table of client options (from C<phlo_options_json>): the arguments of L</new>.

=head2 library_version

The version of the loaded libphlo (C<phlo_version>); equals C<$Plivo::PHLO::VERSION>.

=head2 library_path

The file the library was loaded from.

=head1 SEE ALSO

L<Plivo::PHLO::Error>, L<Plivo::PHLO::MultiPartyCall>, L<Plivo::PHLO::ConferenceBridge>,
L<Plivo::PHLO::Member>, F<include/phlo.h>, F<docs/perl.md>.

=cut
