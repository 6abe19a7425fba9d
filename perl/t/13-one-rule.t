use strict;
use warnings;

# The two paths of a call (issue 6): plain string arguments go to phlo_client_call_strings (no
# JSON encoding in Perl), everything else to phlo_client_call with JSON. This file checks which
# path each kind of call takes, that both send the same request, and that the fast path keeps
# last_status, last_body and the argument rules of the full path.

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

subtest 'plain strings take phlo_client_call_strings, the rest phlo_client_call' => sub {
    my @cases = (
        [ 'flat method, named pairs', 'strings', sub { $client->mpc_cold_transfer($P, $N, to => '+14152225555', trigger_source => $AGENT) } ],
        [ 'flat method, hash ref', 'strings', sub { $client->mpc_cold_transfer($P, $N, { to => '+14152225555', trigger_source => $AGENT }) } ],
        [ 'node object', 'strings', sub { $mpc->cold_transfer(to => '+14152225555', role => 'agent', trigger_source => $AGENT) } ],
        [ 'node action by name', 'strings', sub { $mpc->action('cold_transfer', to => '+14152225555', trigger_source => $AGENT) } ],
        [ 'member object', 'strings', sub { $mpc->member($CUSTOMER)->hold } ],
        [ 'generic call', 'strings', sub { $client->call(mpc_member_hold => { phlo_id => $P, node_id => $N, member_id => $CUSTOMER }) } ],
        [ 'run_phlo without payload', 'strings', sub { $client->run_phlo($P) } ],
        [ 'raw GET', 'strings', sub { $client->raw(GET => "/v1/phlo/$P") } ],
        [ 'a number is a plain string', 'strings', sub { $client->mpc_call($P, $N, trigger_source => $AGENT, to => 14152225555, role => 'agent') } ],
        [ 'run_phlo with a payload', 'json', sub { $client->run_phlo($P, { from => $AGENT }) } ],
        [ 'raw POST with a body', 'json', sub { $client->raw(POST => "/v1/phlo/$P/multi_party_call/$N/members/$CUSTOMER", { action => 'hold' }) } ],
        [ 'an object with "" overloading', 'json', sub { $client->mpc_member_hold($P, $N, My::Str->new($CUSTOMER)) } ],
        [ 'a UTF-8-flagged non-ASCII string', 'json', sub { eval { $client->mpc_member_hold($P, $N, "+1415\x{2603}") } } ],
        [ 'the string "Inf"', 'json', sub { eval { $client->mpc_member_hold($P, $N, 'Inf') } } ],
    );
    for (@cases) {
        my ($what, $want, $code) = @$_;
        $sim->reset;
        @path = ();
        $code->();
        is(join(',', @path), $want, "$what: $want");
    }
};

subtest 'both paths send the same request' => sub {
    my ($p1, $fast) = sent(sub { $client->mpc_warm_transfer($P, $N, to => '+14154447777', trigger_source => $AGENT) });
    my ($p2, $full) = sent(sub { $client->mpc_warm_transfer($P, $N, to => My::Str->new('+14154447777'), trigger_source => $AGENT) });
    is("$p1 $p2", 'strings json', 'one call each way');
    is_deeply([ @{$fast}{qw(method path body)} ], [ @{$full}{qw(method path body)} ], 'same method, path and body');
    is($fast->{body}, '{"action":"warm_transfer","to":"+14154447777","role":"agent","trigger_source":"+14152223333"}', 'the seed-shaped body');
};

subtest 'a named argument given twice: the last one wins, as on the full path' => sub {
    my ($p, $req) = sent(sub { $client->mpc_call($P, $N, trigger_source => $AGENT, to => '+14150000001', role => 'agent', to => '+14154447777') });
    is($p, 'strings', 'fast path');
    is($req->{body_json}{to}, '+14154447777', 'the last "to" was sent (never both, which the core refuses)');
};

subtest 'last_status and last_body on the fast path' => sub {
    my $r = $client->get_phlo($P);
    is($client->last_status, 200, 'status after success');
    like($client->last_body, qr/"phlo_id":"\Q$P\E"/, 'body after success');
    my $e = do { eval { $client->get_phlo('00000000-0000-4000-8000-000000000000') }; $@ };
    is($e->kind, 'not_found', 'a 404 through the fast path is not_found');
    is($e->status, 404, 'with its status');
    is($client->last_status, 404, 'last_status is the error status');
    is($client->last_body, undef, 'last_body is undef after a failure');
    $e = do { eval { $client->get_phlo('not an id') }; $@ };
    is($e->kind, 'invalid_argument', 'the core refuses a bad id sent through the fast path');
    is($e->field, 'phlo_id', 'naming it');
    is($client->last_status, undef, 'no status when nothing was answered');
};

subtest 'the full path still decides what the fast path does not take' => sub {
    my $e = do { eval { $client->mpc_cold_transfer($P, $N, to => '+14152225555', trigger_source => $AGENT, phlo_id => $P) }; $@ };
    is($e->field, 'phlo_id', 'a positional given by name: invalid_argument from the flat method');
    $sim->reset;
    @path = ();
    $e = do { eval { $client->mpc_member_hold($P, $N, "+1415\0") }; $@ };
    is($e->kind, 'invalid_argument', 'a NUL byte: invalid_argument');
    is(join(',', @path), 'json', 'decided on the full path');
    my $r = do { my $m = $client->multi_party_call($P, $N); $sim->reset;
        $m->action('cold_transfer', action => 'call', to => '+14152225555', trigger_source => $AGENT) };
    is($sim->last_request->{body_json}{action}, 'cold_transfer', "the node object's action wins over a named one, as before");
};

subtest 'what the fast path leaves to the full path, and the error the full path gives' => sub {
    my $NaN = -sin(9**9**9);
    my @cases = (
        # [ what, call, the C function reached ('' = none: refused in Perl), error kind ] (the
        # last two reach the core, which refuses them as member ids)
        [ 'an undef name',          sub { $client->mpc_cold_transfer($P, $N, undef, 'x', to => '+14152225555', trigger_source => $AGENT) }, '', 'invalid_argument' ],
        [ 'a reference as a name',  sub { $client->mpc_cold_transfer($P, $N, [] => 'x', to => '+14152225555', trigger_source => $AGENT) }, '', 'invalid_argument' ],
        [ 'an odd list',            sub { $client->mpc_cold_transfer($P, $N, to => '+14152225555', 'trigger_source') }, '', 'invalid_argument' ],
        [ 'an unknown name',        sub { $client->mpc_cold_transfer($P, $N, to => '+14152225555', trigger_source => $AGENT, colour => 'red') }, 'json', 'invalid_argument' ],
        [ 'an unknown name (hash)', sub { $client->mpc_cold_transfer($P, $N, { to => '+14152225555', trigger_source => $AGENT, colour => 'red' }) }, 'json', 'invalid_argument' ],
        [ 'one positional too many', sub { $client->get_phlo($P, 'extra') }, '', 'invalid_argument' ],
        [ 'the number Inf',         sub { $client->mpc_cold_transfer($P, $N, to => 9**9**9, trigger_source => $AGENT) }, '', 'invalid_argument' ],
        [ 'the number NaN',         sub { $client->mpc_cold_transfer($P, $N, to => $NaN, trigger_source => $AGENT) }, '', 'invalid_argument' ],
        [ 'an array reference',     sub { $client->mpc_cold_transfer($P, $N, to => ['+14152225555'], trigger_source => $AGENT) }, '', 'invalid_argument' ],
        [ 'a Latin-1 byte string',  sub { $client->mpc_member_hold($P, $N, "caf\xe9") }, 'json', 'invalid_argument' ],
        [ 'a string holding "NaN"', sub { $client->mpc_member_hold($P, $N, 'NaNa') }, 'json', 'invalid_argument' ],
    );
    for (@cases) {
        my ($what, $code, $want_path, $want_kind) = @$_;
        $sim->reset;
        @path = ();
        my $e = do { eval { $code->(); 1 } ? undef : $@ };
        is(join(',', @path), $want_path, "$what: " . ($want_path || 'refused in Perl'));
        is(ref $e ? $e->kind : $e, $want_kind, "$what: $want_kind");
    }
};

subtest 'JSON::PP is loaded only when a call needs it' => sub {
    plan skip_all => 'answers are decoded with JSON::PP here' if Plivo::PHLO::FFI::json_backend() ne 'Cpanel::JSON::XS';
    # In a fresh perl (this one has JSON::PP, for the simulator's log): making a client and a
    # fast-path call leave it unloaded; a payload (the full path) loads it. -0.0 as an option is 0.
    my $code = q{
        use Plivo::PHLO;
        my $c = Plivo::PHLO->new(auth_id => $ARGV[1], auth_token => $ARGV[2], base_url => $ARGV[0], max_retries => -0.0);
        $c->get_phlo($ARGV[3]);
        print exists $INC{'JSON/PP.pm'} ? 1 : 0;
        $c->run_phlo($ARGV[3], { from => '+14152225555' });
        print exists $INC{'JSON/PP.pm'} ? 1 : 0;
    };
    my $lib = "$FindBin::Bin/../lib";
    open(my $fh, '-|', $^X, "-I$lib", '-e', $code, $sim->url, $AUTH_ID, $TOKEN, $P) or die "perl: $!";
    my $out = do { local $/; <$fh> };
    close $fh;
    is($out, '01', 'not loaded after new and a fast-path call; loaded by a payload');
};

subtest 'a forked child cannot use the parent client, fast path or not' => sub {
    pipe(my $r, my $w) or die "pipe: $!";
    my $pid = fork;
    die "fork: $!" unless defined $pid;
    if (!$pid) {
        close $r;
        my $e = do { eval { $client->get_phlo($P) }; $@ };
        print $w (ref $e ? $e->kind : "no error: $e"), "\n";
        close $w;
        require POSIX;
        POSIX::_exit(0);
    }
    close $w;
    chomp(my $got = <$r> // '');
    waitpid $pid, 0;
    is($got, 'invalid_argument', 'invalid_argument in the child');
    is($client->get_phlo($P)->{phlo_id}, $P, 'the parent client still works');
};

is_deeply(\@warnings, [], 'no warnings');
done_testing;
