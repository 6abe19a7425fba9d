use strict;
use warnings;

# The one rule that sends every call to the core: when every parameter given is text a C string
# can carry, phlo_client_call_strings (no JSON); otherwise (a JSON-valued parameter, a hash or
# array, text holding NUL) phlo_client_call with a JSON object. This file checks which function
# each kind of call reaches, that both send the same request, and what Perl refuses itself.

use FindBin;
use lib "$FindBin::Bin/lib", "$FindBin::Bin/../lib";
use Test::More;

use SimHelper qw(:all);
use Plivo::PHLO;

my @warnings;
$SIG{__WARN__} = sub { push @warnings, @_ };

# Which C function each call reached: 'strings' (phlo_client_call_strings) or 'json'.
my @path;
{
    no warnings 'redefine';
    my ($json, $strings) = (\&Plivo::PHLO::FFI::client_call, \&Plivo::PHLO::FFI::client_call_strings);
    *Plivo::PHLO::FFI::client_call         = sub { push @path, 'json';    goto &$json };
    *Plivo::PHLO::FFI::client_call_strings = sub { push @path, 'strings'; goto &$strings };
}

my $sim = SimHelper->start;
my $client = $sim->client(max_retries => 0);
my $mpc = $client->multi_party_call($P, $N);

# Runs $code after a reset; returns (the path taken, the one request the simulator logged).
sub sent {
    my ($code) = @_;
    $sim->reset;
    @path = ();
    $code->();
    is($sim->requests->{total}, 1, 'one request');
    return (join(',', @path), $sim->last_request);
}

{
    package My::Str;
    use overload '""' => sub { ${ $_[0] } }, fallback => 1;
    sub new { my ($c, $v) = @_; bless \$v, $c }
}

subtest 'text takes phlo_client_call_strings, the rest phlo_client_call' => sub {
    my @cases = (
        [ 'flat method, named pairs', 'strings', sub { $client->mpc_cold_transfer($P, $N, to => '+14152225555', trigger_source => $AGENT) } ],
        [ 'flat method, hash ref', 'strings', sub { $client->mpc_cold_transfer($P, $N, { to => '+14152225555', trigger_source => $AGENT }) } ],
        [ 'node object', 'strings', sub { $mpc->cold_transfer(to => '+14152225555', role => 'agent', trigger_source => $AGENT) } ],
        [ 'node action by name', 'strings', sub { $mpc->action('cold_transfer', to => '+14152225555', trigger_source => $AGENT) } ],
        [ 'member object', 'strings', sub { $mpc->member($CUSTOMER)->hold } ],
        [ 'generic call', 'strings', sub { $client->call(mpc_member_hold => { phlo_id => $P, node_id => $N, member_id => $CUSTOMER }) } ],
        [ 'run_phlo without payload', 'strings', sub { $client->run_phlo($P) } ],
        [ 'raw GET', 'strings', sub { $client->raw(GET => "/v1/phlo/$P") } ],
        [ 'a number is text', 'strings', sub { $client->mpc_call($P, $N, trigger_source => $AGENT, to => 14152225555, role => 'agent') } ],
        [ 'an object with "" overloading is text', 'strings', sub { $client->mpc_member_hold($P, $N, My::Str->new($CUSTOMER)) } ],
        [ 'a wide-character string is text (as UTF-8)', 'strings', sub { eval { $client->mpc_member_hold($P, $N, "+1415\x{2603}") } } ],
        [ 'the string "Inf" is text', 'strings', sub { eval { $client->mpc_member_hold($P, $N, 'Inf') } } ],
        [ 'run_phlo with a payload', 'json', sub { $client->run_phlo($P, { from => $AGENT }) } ],
        [ 'raw POST with a body', 'json', sub { $client->raw(POST => "/v1/phlo/$P/multi_party_call/$N/members/$CUSTOMER", { action => 'hold' }) } ],
        [ 'a raw body that is a string is JSON', 'json', sub { eval { $client->raw(POST => "/v1/phlo/$P/multi_party_call/$N/members/$CUSTOMER", 'hold') } } ],
        [ 'a hash where text belongs', 'json', sub { eval { $client->mpc_member_hold($P, $N, { m => 1 }) } } ],
        [ 'text holding NUL', 'json', sub { eval { $client->mpc_member_hold($P, $N, "+1415\0") } } ],
    );
    for (@cases) {
        my ($what, $want, $code) = @$_;
        $sim->reset;
        @path = ();
        $code->();
        is(join(',', @path), $want, "$what: $want");
    }
};

subtest 'both functions send the same request' => sub {
    my ($p1, $strings) = sent(sub { $client->mpc_warm_transfer($P, $N, to => '+14154447777', trigger_source => $AGENT) });
    my ($p2, $json) = sent(sub {
        Plivo::PHLO::FFI::client_call($client->{handle}, 'mpc_warm_transfer',
            { phlo_id => $P, node_id => $N, to => '+14154447777', trigger_source => $AGENT });
    });
    is("$p1 $p2", 'strings json', 'one call each way');
    is_deeply([ @{$strings}{qw(method path body)} ], [ @{$json}{qw(method path body)} ], 'same method, path and body');
    is($strings->{body}, '{"action":"warm_transfer","to":"+14154447777","role":"agent","trigger_source":"+14152223333"}', 'the seed-shaped body');
};

subtest 'a named argument given twice: the last one wins' => sub {
    my ($p, $req) = sent(sub { $client->mpc_call($P, $N, trigger_source => $AGENT, to => '+14150000001', role => 'agent', to => '+14154447777') });
    is($p, 'strings', 'as text');
    is($req->{body_json}{to}, '+14154447777', 'the last "to" was sent (never both, which the core refuses)');
};

subtest 'last_status and last_body' => sub {
    my $r = $client->get_phlo($P);
    is($client->last_status, 200, 'status after success');
    like($client->last_body, qr/"phlo_id":"\Q$P\E"/, 'body after success');
    my $e = do { eval { $client->get_phlo('00000000-0000-4000-8000-000000000000') }; $@ };
    is($e->kind, 'not_found', 'a 404 is not_found');
    is($e->status, 404, 'with its status');
    is($client->last_status, 404, 'last_status is the error status');
    is($client->last_body, undef, 'last_body is undef after a failure');
    $e = do { eval { $client->get_phlo('not an id') }; $@ };
    is($e->kind, 'invalid_argument', 'the core refuses a bad id');
    is($e->field, 'phlo_id', 'naming it');
    is($client->last_status, undef, 'no status when nothing was answered');
};

subtest 'what Perl refuses itself, and what it leaves to the core' => sub {
    my $NaN = -sin(9**9**9);
    my @cases = (
        # [ what, call, the C function reached ('' = none: refused in Perl), error kind, field ]
        # A name is the core's to judge: undef is the name '', a reference its string.
        [ 'an undef name',           sub { $client->mpc_cold_transfer($P, $N, undef, 'x', to => '+14152225555', trigger_source => $AGENT) }, 'strings', 'invalid_argument', '' ],
        [ 'a reference as a name',   sub { $client->mpc_cold_transfer($P, $N, [] => 'x', to => '+14152225555', trigger_source => $AGENT) }, 'strings', 'invalid_argument', undef ],
        [ 'an odd list',             sub { $client->mpc_cold_transfer($P, $N, to => '+14152225555', 'trigger_source') }, '', 'invalid_argument', undef ],
        [ 'one positional too many', sub { $client->get_phlo($P, 'extra') }, '', 'invalid_argument', undef ],
        [ 'a positional by name',    sub { $client->mpc_cold_transfer($P, $N, to => '+14152225555', trigger_source => $AGENT, phlo_id => $P) }, '', 'invalid_argument', 'phlo_id' ],
        [ 'the number Inf',          sub { $client->mpc_cold_transfer($P, $N, to => 9**9**9, trigger_source => $AGENT) }, '', 'invalid_argument', 'to' ],
        [ 'the number NaN',          sub { $client->mpc_cold_transfer($P, $N, to => $NaN, trigger_source => $AGENT) }, '', 'invalid_argument', 'to' ],
        [ 'a code reference',        sub { $client->mpc_cold_transfer($P, $N, to => sub { 1 }, trigger_source => $AGENT) }, '', 'invalid_argument', 'to' ],
        [ 'an unknown name',         sub { $client->mpc_cold_transfer($P, $N, to => '+14152225555', trigger_source => $AGENT, colour => 'red') }, 'strings', 'invalid_argument', 'colour' ],
        [ 'an array reference',      sub { $client->mpc_cold_transfer($P, $N, to => ['+14152225555'], trigger_source => $AGENT) }, 'json', 'invalid_argument', 'to' ],
        [ 'a Latin-1 byte string',   sub { $client->mpc_member_hold($P, $N, "caf\xe9") }, 'strings', 'invalid_argument', 'member_id' ],
        [ 'NUL in a member id',      sub { $client->mpc_member_hold($P, $N, "+1415\0") }, 'json', 'invalid_argument', 'member_id' ],
    );
    for (@cases) {
        my ($what, $code, $want_path, $want_kind, $field) = @$_;
        $sim->reset;
        @path = ();
        my $e = do { eval { $code->(); 1 } ? undef : $@ };
        is(join(',', @path), $want_path, "$what: " . ($want_path || 'refused in Perl'));
        is(ref $e ? $e->kind : $e, $want_kind, "$what: $want_kind");
        is($e->field, $field, "$what: field " . ($field // 'none')) if ref $e && defined $field;
        is($sim->requests->{total}, 0, "$what: nothing sent");
    }
    my $r = do { my $m = $client->multi_party_call($P, $N); $sim->reset;
        $m->action('cold_transfer', action => 'call', to => '+14152225555', trigger_source => $AGENT) };
    is($sim->last_request->{body_json}{action}, 'cold_transfer', "the node object's action wins over a named one");
};

subtest 'one JSON module, chosen when the module loads' => sub {
    plan skip_all => 'JSON::PP is the module here' if Plivo::PHLO::FFI::json_backend() ne 'Cpanel::JSON::XS';
    # In a fresh perl (this one has JSON::PP, for the simulator's log): a client, calls of both
    # kinds, an error and a payload all go through Cpanel::JSON::XS; JSON::PP is never loaded.
    my $code = q{
        use Plivo::PHLO;
        my $c = Plivo::PHLO->new(auth_id => $ARGV[1], auth_token => $ARGV[2], base_url => $ARGV[0], max_retries => 0);
        $c->get_phlo($ARGV[3]);
        $c->run_phlo($ARGV[3], { from => '+14152225555' });
        eval { $c->get_phlo('00000000-0000-4000-8000-000000000000') };
        print exists $INC{'JSON/PP.pm'} ? 1 : 0;
    };
    my $lib = "$FindBin::Bin/../lib";
    open(my $fh, '-|', $^X, "-I$lib", '-e', $code, $sim->url, $AUTH_ID, $TOKEN, $P) or die "perl: $!";
    my $out = do { local $/; <$fh> };
    close $fh;
    is($out, '0', 'JSON::PP was not loaded');
};

subtest 'a forked child uses the parent client' => sub {
    pipe(my $r, my $w) or die "pipe: $!";
    my $pid = fork;
    die "fork: $!" unless defined $pid;
    if (!$pid) {
        close $r;
        my $r = eval { $client->get_phlo($P) };
        my $e = $@;
        print $w ($r ? $r->{phlo_id} : ref $e ? $e->kind : "error: $e"), "\n";
        close $w;
        require POSIX;
        POSIX::_exit(0);
    }
    close $w;
    chomp(my $got = <$r> // '');
    waitpid $pid, 0;
    is($got, $P, 'the call works in the child');
    is($client->get_phlo($P)->{phlo_id}, $P, 'the parent client still works');
};

is_deeply(\@warnings, [], 'no warnings');
done_testing;
