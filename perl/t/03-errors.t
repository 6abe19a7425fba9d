use strict;
use warnings;

# Every error kind, produced for real against the simulator (or a closed port), as
# Plivo::PHLO::Error objects: kind, code, status, api_id, message, field, one-line string.

use FindBin;
use lib "$FindBin::Bin/lib", "$FindBin::Bin/../lib";
use Test::More;
use Time::HiRes ();

use SimHelper qw(:all);
use Plivo::PHLO;

my @warnings;
$SIG{__WARN__} = sub { push @warnings, @_ };

my $sim = SimHelper->start;
my $client = $sim->client(max_retries => 0);
my $UUID = qr/\A[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\z/;
my $SECRET = 'S3cret-T0ken-never-shown';

my %CODE = (invalid_argument => 1, authentication => 2, not_found => 3, bad_request => 4, rate_limited => 5,
    server => 6, timeout => 7, connection => 8, decode => 9);

# Runs $code, which must die; checks the common shape of the error and returns it.
sub error_of {
    my ($kind, $code) = @_;
    my $ok = eval { $code->(); 1 };
    my $e = $@;
    ok(!$ok, "$kind: the call died");
    isa_ok($e, 'Plivo::PHLO::Error') or return $e;
    is($e->kind, $kind, "kind is $kind");
    is($e->code, $CODE{$kind}, "code is $CODE{$kind}");
    is($e->status_name, $kind, "status_name is $kind");
    ok($e->is($kind), 'is()');
    my $s = "$e";
    unlike($s, qr/\n/, 'stringifies to one line');
    like($s, qr/\APlivo::PHLO::Error \[\Q$kind\E\] \S/, 'string starts with the kind');
    like($s, qr/ at \S+ line \d+\.\z/, "string ends with the caller's file and line");
    ok(length $e->message, 'has a message');
    unlike($s, qr/\Q$TOKEN\E|\Q$SECRET\E/, 'no token in the string');
    return $e;
}

subtest authentication => sub {
    $sim->reset;
    my $bad = $sim->client(auth_token => $SECRET);
    my $e = error_of(authentication => sub { $bad->get_phlo($P) });
    is($e->status, 401, 'HTTP 401');
    is($bad->last_status, 401, 'last_status is 401');
    for my $field (qw(message body api_id field)) {
        my $v = $e->$field // '';
        unlike($v, qr/\Q$SECRET\E/, "no token in $field");
    }
    require Data::Dumper;
    unlike(Data::Dumper::Dumper($e), qr/\Q$SECRET\E/, 'no token anywhere in the object');
    like($sim->last_request->{headers}{authorization}, qr/^Basic /, 'the request was sent');

    local @ENV{qw(PLIVO_AUTH_ID PLIVO_AUTH_TOKEN)};
    delete @ENV{qw(PLIVO_AUTH_ID PLIVO_AUTH_TOKEN)};
    $e = error_of(authentication => sub { Plivo::PHLO->new(base_url => $sim->url) });
    is($e->status, undef, 'no credentials: no HTTP status (nothing sent)');
};

subtest not_found => sub {
    $sim->reset;
    my $line = __LINE__ + 1;
    my $e = error_of(not_found => sub { $client->get_phlo('00000000-0000-4000-8000-000000000000') });
    is($e->file, __FILE__, "file is the caller's");
    is($e->line, $line, "line is the caller's");
    like("$e", qr/ at \Q${\__FILE__}\E line $line\.\z/, 'string ends with them');
    is($e->status, 404, 'HTTP 404');
    is($e->body, '{}', 'body kept');
    like($e->message, qr{404.*/v1/phlo/00000000-0000-4000-8000-000000000000}, 'message names status and path');
    is($client->last_status, 404, 'last_status');
    is($client->last_body, undef, 'no last_body after a failure');
};

subtest bad_request => sub {
    $sim->reset;
    my $e = error_of(bad_request => sub {
        $client->node_action($P, $N, 'teleport', trigger_source => $AGENT, to => '+14152225555', role => 'agent');
    });
    is($e->status, 400, 'HTTP 400');
    like($e->api_id, $UUID, 'api_id from the body');
    is($e->message, 'Invalid value provided for action.', "the service's message");
    like("$e", qr/\(status 400, api_id [0-9a-f-]{36}\)/, 'status and api_id in the string');
};

subtest rate_limited => sub {
    $sim->reset;
    $sim->fault({ kind => 'rate_limit', retry_after => '1' });
    my $e = error_of(rate_limited => sub { $client->get_phlo($P) });
    is($e->status, 429, 'HTTP 429');
    is($e->retry_after, 1, 'retry_after in seconds');
    is($e->retry_after_ms, 1000, 'retry_after_ms');
    is($e->attempts, 1, 'one attempt (retries off)');
};

subtest server => sub {
    $sim->reset;
    $sim->fault({ kind => 'status', status => 503, body => 'html' });
    my $e = error_of(server => sub { $client->get_phlo($P) });
    is($e->status, 503, 'HTTP 503');
    like($e->message, qr/503/, 'a fixed sentence when the body is not JSON');
    $sim->fault({ kind => 'status', status => 500, error => 'internal trouble' });
    $e = error_of(server => sub { $client->mpc_member_hold($P, $N, $CUSTOMER) });
    is($e->status, 500, 'HTTP 500 on an action');
    is($sim->requests->{total}, 2, 'actions are never retried on 5xx');
};

subtest timeout => sub {
    $sim->reset;
    $sim->fault({ kind => 'latency', ms => 1500 });
    my $slow = $sim->client(timeout => 0.3, max_retries => 0);
    my $t0 = Time::HiRes::time();
    my $e = error_of(timeout => sub { $slow->get_phlo($P) });
    my $took = Time::HiRes::time() - $t0;
    cmp_ok($took, '<', 1.3, "gave up after the 0.3 s timeout (took ${\ sprintf '%.2f', $took} s)");
    is($e->status, undef, 'no HTTP status');
};

subtest connection => sub {
    my $port = closed_port();
    my $dead = Plivo::PHLO->new(auth_id => $AUTH_ID, auth_token => $TOKEN, base_url => "http://127.0.0.1:$port", max_retries => 0);
    my $e = error_of(connection => sub { $dead->get_phlo($P) });
    is($e->status, undef, 'no HTTP status');
    $sim->reset;
    $sim->fault({ kind => 'reset_before' });
    $e = error_of(connection => sub { $client->get_phlo($P) });
};

subtest decode => sub {
    $sim->reset;
    $sim->fault({ kind => 'raw_body', body => 'not json' });
    my $e = error_of(decode => sub { $client->get_phlo($P) });
    like($e->message, qr/not json/, 'message quotes the body');
    is($e->status, 200, 'the HTTP status of the undecodable answer');
    is($e->attempts, 1, 'one attempt');
};

subtest 'a 2xx with no body is a success, not decode' => sub {
    # A client that retries what it may (3 attempts): an empty answer must not be retried either.
    my $retrying = $sim->client;
    my $member = '+14153336666';
    $sim->reset;
    $sim->fault({ kind => 'raw_body', status => 200, body => '' });
    my $r = eval { $retrying->mpc_member_hold($P, $N, $member) };    # the fast path
    is($@, '', 'mpc_member_hold did not die');
    is_deeply($r, {}, 'an empty hash: no fields');
    is($retrying->last_status, 200, 'last_status 200');
    is($retrying->last_body, '', "last_body ''");
    is($sim->members($N)->{$member}{state}, 'on_hold', 'the action was carried out');

    $sim->fault({ kind => 'raw_body', status => 201, body => " \r\n" });
    $r = eval { $retrying->call(mpc_member_unhold => { phlo_id => $P, node_id => $N, member_id => $member }) };
    is($@, '', 'the full path (call) did not die on a body of only whitespace');
    is_deeply($r, {}, 'an empty hash');
    is($retrying->last_status, 201, 'last_status 201');
    is($retrying->last_body, '', "last_body '' (no content)");

    $sim->fault({ kind => 'raw_body', status => 200, body => '' });
    $r = eval { $retrying->multi_party_call($P, $N)->member($member)->mute };
    is($@, '', 'the object style did not die');
    is_deeply($r, {}, 'an empty hash');
    is($sim->members($N)->{$member}{state}, 'muted', 'carried out');

    $sim->fault({ kind => 'raw_body', status => 200, body => '' });
    $r = eval { $retrying->get_phlo($P) };
    is_deeply($r, {}, 'a read answered with no body: an empty hash');
    is($sim->requests->{total}, 4, 'each call sent once, none retried');
};

subtest invalid_argument => sub {
    $sim->reset;
    my $e = error_of(invalid_argument => sub { $client->get_phlo('not an id!') });
    is($e->field, 'phlo_id', 'field');
    like("$e", qr/field phlo_id/, 'field in the string');
    $e = error_of(invalid_argument => sub { $client->mpc_call($P, $N, trigger_source => $AGENT, to => 'nobody', role => 'agent') });
    is($e->field, 'to', 'bad address: field to');
    $e = error_of(invalid_argument => sub { $client->mpc_call($P, $N, trigger_source => $AGENT, to => '+14152225555') });
    is($e->field, 'role', 'call without role: field role');
    $e = error_of(invalid_argument => sub { $sim->client(timeout => 0) });
    is($e->field, 'timeout', 'zero timeout rejected by the core, under the one name every binding uses');
    is($e->message, 'timeout: must be a number of seconds greater than zero', "the core's message");
    $e = error_of(invalid_argument => sub { $sim->client(timeout_ms => 300) });
    is($e->field, 'timeout_ms', 'an option the core does not have is named');
    like($e->message, qr/is not an option; expected one of base_url, timeout,/, 'the core lists its options');
    $e = error_of(invalid_argument => sub { $sim->client(auth_id => 'XX123') });
    is($e->field, 'auth_id', 'bad auth id shape');
    is($sim->requests->{total}, 0, 'nothing was sent');
};

subtest 'errors are catchable objects, not strings' => sub {
    my $e = do { eval { $client->get_phlo('00000000-0000-4000-8000-000000000000') }; $@ };
    ok(ref $e, 'a reference');
    ok($e, 'true in boolean context');
    is_deeply([ sort keys %{ $e->TO_JSON } ], [ sort grep { defined $e->{$_} } qw(kind message status api_id field code body attempts retry_after_ms status_name) ],
        'TO_JSON has the defined fields');
    my $line = __LINE__ + 1;
    my $again = do { eval { Plivo::PHLO::Error->throw(kind => 'timeout', message => 'x') }; $@ };
    is($again->code, 7, 'code from kind');
    is($again->line, $line, 'throw records the line');
};

is_deeply(\@warnings, [], 'no warnings');
done_testing;
