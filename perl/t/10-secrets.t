use strict;
use warnings;

# Secrets: a recognisable token, TOKEN-pl-canary-7f3a9b, given to the client (as an
# argument and through the environment) never shows: not in any error's string form, message,
# body, api_id, field, TO_JSON or Data::Dumper output, for every error kind this test can
# produce (401 with the canary as the wrong token, service bodies that echo it back in the
# message, the api_id or a body cut short inside it, a redirect carrying it, timeouts, resets,
# bad input...); not in Data::Dumper of the client and its node and member objects; not on
# stderr; and in the simulator's request log only as the Basic credential of the Authorization
# header. "Shows" means the token, the Basic credential, or any 8 characters of the token in a
# row, in any case.
#
# The Perl layer keeps no secret and scrubs nothing: every error comes from libphlo, whose core
# scrubs the token, the Basic credential, and what is left of the token where a text holds only
# part of it (8 or more of its first or last characters), from the message, body, api_id and
# field. The last subtest reads libphlo's own error records through the C ABI.

use FindBin;
use lib "$FindBin::Bin/lib", "$FindBin::Bin/../lib";
use Test::More;
use Data::Dumper ();
use File::Temp ();
use JSON::PP ();
use MIME::Base64 ();

use SimHelper qw(:all);
use Plivo::PHLO;

my @warnings;
$SIG{__WARN__} = sub { push @warnings, @_ };

my $CANARY    = 'TOKEN-pl-canary-7f3a9b';
my $CANARY_ID = 'MACANARY7F3A9B000000';
my %BASIC = map { $_ => MIME::Base64::encode_base64("$_:$CANARY", '') } $CANARY_ID, $AUTH_ID;

# Every way the canary could show: 8 characters of it in a row (case-insensitive), either Basic
# credential, and the token's own base64 at each alignment (its middle, 8 characters or more).
my @NEEDLES = map { lc substr($CANARY, $_, 8) } 0 .. length($CANARY) - 8;
push @NEEDLES, map { lc } values %BASIC;
for my $pad ('', 'x', 'xx') {
    my $b = MIME::Base64::encode_base64($pad . $CANARY, '');
    push @NEEDLES, lc substr($b, 4, length($b) - 8);
}

# Where the canary shows in $text: the needles found, or nothing.
sub leaks {
    my ($text) = @_;
    return () unless defined $text;
    my $l = lc $text;
    return grep { index($l, $_) >= 0 } @NEEDLES;
}

sub dumper { local $Data::Dumper::Sortkeys = 1; local $Data::Dumper::Useqq = 1; Data::Dumper::Dumper(@_) }

# Everything libphlo or the module might write goes to fd 2: catch it (Test::More's own output
# handles were duplicated when it loaded, so its diagnostics still reach the terminal).
my $stderr = File::Temp->new(TEMPLATE => 'perl-secrets-stderr-XXXXXX', TMPDIR => 1);
open my $saved_stderr, '>&', \*STDERR or die "dup: $!";
open STDERR, '>', $stderr->filename or die "redirect: $!";

my $sim = SimHelper->start('--auth-id', $AUTH_ID, '--auth-token', $TOKEN, '--auth-id', $CANARY_ID, '--auth-token', $CANARY);
my %common = (base_url => $sim->url, max_retries => 0);
my $good  = Plivo::PHLO->new(auth_id => $CANARY_ID, auth_token => $CANARY, %common);
my $wrong = Plivo::PHLO->new(auth_id => $AUTH_ID, auth_token => $CANARY, %common);    # the canary is the wrong token here
my $from_env = do {
    local @ENV{qw(PLIVO_AUTH_ID PLIVO_AUTH_TOKEN)} = ($CANARY_ID, $CANARY);
    Plivo::PHLO->new(%common);
};
my $retrying = Plivo::PHLO->new(auth_id => $CANARY_ID, auth_token => $CANARY, base_url => $sim->url);    # 3 attempts
my $slow = Plivo::PHLO->new(auth_id => $CANARY_ID, auth_token => $CANARY, %common, timeout => 0.3);
my $dead = Plivo::PHLO->new(auth_id => $CANARY_ID, auth_token => $CANARY, base_url => 'http://127.0.0.1:' . closed_port(), max_retries => 0);

is($good->get_phlo($P)->{phlo_id}, $P, 'the canary account works');

my @log;          # every request the simulator logged, over all cases
my %kinds;        # error kinds produced
my $errors = 0;   # errors examined

sub collect_log { push @log, @{ $sim->requests->{requests} } }

# Runs $code, which must die with a Plivo::PHLO::Error; checks every view of it for the canary.
sub no_leak {
    my ($name, $code, $client, @faults) = @_;
    $sim->reset;
    $sim->fault($_) for @faults;
    my $ok = eval { $code->(); 1 };
    my $e = $@;
    collect_log();
    subtest $name => sub {
        ok(!$ok, 'died') or return;
        isa_ok($e, 'Plivo::PHLO::Error') or return diag("got: $e");
        $kinds{ $e->kind }++;
        $errors++;
        my %views = (
            'string form' => "$e",
            message       => $e->message,
            body          => $e->body,
            api_id        => $e->api_id,
            field         => $e->field,
            TO_JSON       => JSON::PP->new->canonical->encode($e->TO_JSON),
            'Data::Dumper of the error' => dumper($e),
        );
        if ($client) {
            $views{'Data::Dumper of the client'} = dumper($client);
            $views{last_body} = $client->last_body;
        }
        for my $view (sort keys %views) {
            my @hits = leaks($views{$view});
            is_deeply(\@hits, [], "no canary in the $view") or diag('kind ' . $e->kind . ': ' . substr($views{$view}, 0, 300));
        }
    };
    return $e;
}

my $MPC = "/v1/phlo/$P/multi_party_call/$N";
my @cold = (trigger_source => $AGENT, to => '+14152225555');

note 'the service refuses the credentials';
no_leak('401: the canary as the wrong token (read)', sub { $wrong->get_phlo($P) }, $wrong);
no_leak('401: the canary as the wrong token (action)', sub { $wrong->mpc_cold_transfer($P, $N, @cold) }, $wrong);
no_leak('401 whose message echoes the token', sub { $good->get_phlo($P) }, $good,
    { kind => 'status', status => 401, error => "token $CANARY is not valid" });
no_leak('403 from a status fault', sub { $good->get_phlo($P) }, $good, { kind => 'status', status => 403 });
no_leak('the environment\'s token, 401 echoing it', sub { $from_env->get_phlo($P) }, $from_env,
    { kind => 'status', status => 401, error => "token $CANARY is not valid" });

note 'service errors';
no_leak('404 for an unknown PHLO', sub { $good->get_phlo('00000000-0000-4000-8000-000000000000') }, $good);
no_leak('400 from the service', sub { $good->mpc_cold_transfer($P, $N, trigger_source => '+14150000000', to => '+14152225555') }, $good);
no_leak('405 for a POST on a bridge node', sub { $good->raw(POST => "/v1/phlo/$P/conference_bridge/$C", {}) }, $good);
no_leak('400 echoing the token in error, api_id and body', sub { $good->get_phlo($P) }, $good,
    { kind => 'raw_body', status => 400, body => qq({"api_id":"$CANARY","error":"bad token $CANARY","token":"$CANARY","basic":"$BASIC{$CANARY_ID}"}) });
no_leak('400 echoing the Basic credential', sub { $good->get_phlo($P) }, $good,
    { kind => 'raw_body', status => 400, body => qq({"api_id":"x","error":"Authorization: Basic $BASIC{$CANARY_ID}"}) });
no_leak('429 with Retry-After', sub { $good->get_phlo($P) }, $good, { kind => 'rate_limit', retry_after => '1' });
no_leak('429 echoing the token', sub { $good->get_phlo($P) }, $good,
    { kind => 'raw_body', status => 429, body => qq({"api_id":"$CANARY","error":"$CANARY"}) });
no_leak('500 echoing the token', sub { $good->mpc_cold_transfer($P, $N, @cold) }, $good,
    { kind => 'status', status => 500, error => "internal: $CANARY" });
no_leak('502 html', sub { $good->get_phlo($P) }, $good, { kind => 'status', status => 502, body => 'html' });
no_leak('503, three attempts', sub { $retrying->get_phlo($P) }, $retrying, { kind => 'status', status => 503, body => 'empty', count => 5 });
no_leak('redirect whose Location carries the token', sub { $good->get_phlo($P) }, $good,
    { kind => 'redirect', location => "http://127.0.0.1:9/v1/phlo/$P?token=$CANARY&basic=$BASIC{$CANARY_ID}" });

note 'no answer';
no_leak('timeout', sub { $slow->get_phlo($P) }, $slow, { kind => 'latency', ms => 1000 });
no_leak('connection refused', sub { $dead->get_phlo($P) }, $dead);
no_leak('reset before the request is read', sub { $good->get_phlo($P) }, $good, { kind => 'reset_before' });
no_leak('reset after the service acted', sub { $good->mpc_cold_transfer($P, $N, @cold) }, $good, { kind => 'reset_after' });
no_leak('body cut short on the wire', sub { $good->get_phlo($P) }, $good, { kind => 'short_body' });

note 'bodies that are not what was expected, echoing the token';
no_leak('2xx not JSON, echoing the token', sub { $good->get_phlo($P) }, $good, { kind => 'raw_body', body => "oops $CANARY oops" });
no_leak('2xx truncated JSON with the token', sub { $good->get_phlo($P) }, $good, { kind => 'raw_body', body => qq({"api_id":"$CANARY",) });
no_leak('2xx wrong types with the token', sub { $good->get_phlo($P) }, $good, { kind => 'raw_body', body => qq({"api_id":5,"error":"$CANARY"}) });
no_leak('2xx over the size cap', sub { $good->get_phlo($P) }, $good, { kind => 'huge_body', bytes => 2_000_000 });
{
    # The token at every place a quote of the body might be cut: the message quotes the start of
    # an undecodable body, the error keeps the first 2 KiB of a refused one.
    my @at = ((map { $_ * 5 } 0 .. 60), (map { 2000 + $_ * 3 } 0 .. 20));
    my (@fail, $n);
    for my $at (@at) {
        for my $status (200, 400) {
            my $body = ('x' x $at) . $CANARY . ('y' x 3000);
            $sim->reset;
            $sim->fault({ kind => 'raw_body', status => $status, body => $body });
            my $e = do { eval { $good->get_phlo($P) }; $@ };
            collect_log();
            $n++;
            $errors++;
            $kinds{ ref $e ? $e->kind : 'none' }++;
            my @hits = map { leaks($_) } "$e", (ref $e ? ($e->body, $e->api_id, dumper($e)) : ());
            push @fail, "token at byte $at of a $status body: " . join(', ', @hits) if @hits || !ref $e;
        }
    }
    ok(!@fail, "the token cut anywhere in a long body ($n errors) never shows") or diag(join "\n", @fail[ 0 .. ($#fail < 9 ? $#fail : 9) ]);
}

note 'bad input with the canary client';
no_leak('invalid id (core)', sub { $good->get_phlo('bad id!') }, $good);
no_leak('invalid address (core)', sub { $good->mpc_cold_transfer($P, $N, trigger_source => $AGENT, to => 'nobody') }, $good);
no_leak('reference as id (Perl)', sub { $good->get_phlo([]) }, $good);
no_leak('the token as an unknown operation', sub { $good->call($CANARY, {}) }, $good);
no_leak('the token as the invocant', sub { Plivo::PHLO::get_phlo($CANARY, $P) });
no_leak('new: bad auth id with the canary', sub { Plivo::PHLO->new(auth_id => 'XX', auth_token => $CANARY, %common) });
no_leak('new: bad option with the canary', sub { Plivo::PHLO->new(auth_id => $CANARY_ID, auth_token => $CANARY, %common, timeout => 0) });
no_leak('new: the canary with a newline', sub { Plivo::PHLO->new(auth_id => $CANARY_ID, auth_token => "$CANARY\n", %common) });
no_leak('new: the canary with NUL', sub { Plivo::PHLO->new(auth_id => $CANARY_ID, auth_token => "$CANARY\0", %common) });
no_leak('new: the canary too long', sub { Plivo::PHLO->new(auth_id => $CANARY_ID, auth_token => $CANARY x 30, %common) });
no_leak('new: the canary with a bad base_url', sub { Plivo::PHLO->new(auth_id => $CANARY_ID, auth_token => $CANARY, base_url => "ftp://$CANARY") });

subtest 'objects: clients, nodes, members' => sub {
    my $mpc = $good->multi_party_call($P, $N);
    my %objects = (client => $good, 'client from the environment' => $from_env, 'wrong-token client' => $wrong,
        node => $mpc, member => $mpc->member($CUSTOMER), bridge => $good->conference_bridge($P, $C));
    for my $name (sort keys %objects) {
        is_deeply([ leaks(dumper($objects{$name})) ], [], "no canary in Data::Dumper of the $name");
        is_deeply([ leaks("$objects{$name}") ], [], "no canary in the $name as a string");
    }
};

subtest "the simulator's request log: the token only as the Authorization header's credential" => sub {
    $sim->reset;
    $good->get_phlo($P);
    $good->mpc_member_hold($P, $N, $CUSTOMER);
    $good->run_phlo($P, { from => '+14150001111', to => '+14150002222' });
    collect_log();
    my (%auth, @fail);
    for my $r (@log) {
        my %h = %{ $r->{headers} || {} };
        my $a = delete $h{authorization} // '';
        $auth{$a}++;
        push @fail, "request $r->{seq} ($r->{method} $r->{path}): Authorization is not a Basic credential of the canary: $a"
          unless grep { $a eq "Basic $_" } values %BASIC;
        for my $part ([ path => $r->{path} ], [ query => $r->{query} ], [ body => $r->{body} ], [ 'other headers' => dumper(\%h) ]) {
            my @hits = leaks($part->[1]);
            push @fail, "request $r->{seq} ($r->{method} $r->{path}): canary in its $part->[0]" if @hits;
        }
    }
    cmp_ok(scalar @log, '>', 50, scalar(@log) . ' requests looked at');
    ok(!@fail, 'no canary anywhere but the Authorization header') or diag(join "\n", @fail[ 0 .. ($#fail < 9 ? $#fail : 9) ]);
    is_deeply([ sort keys %auth ], [ sort map { "Basic $_" } values %BASIC ], 'the header carried the canary account\'s credential (or the wrong-token one)');
    is_deeply([ leaks($sim->stderr_text) ], [], "nor in the simulator's stderr");
};

# libphlo's own error records, read through the C ABI.
subtest 'what libphlo itself reports' => sub {
    my $h = $good->{handle};
    my $raw_error = sub {
        my ($fault) = @_;
        $sim->reset;
        $sim->fault($fault);
        my ($out, $http) = (undef, 0);
        my $rc = Plivo::PHLO::FFI::_client_call($h, 'get_phlo', qq({"phlo_id":"$P"}), \$out, \$http);
        Plivo::PHLO::FFI::_take_string($out);
        return $rc ? Plivo::PHLO::FFI::_take_string(Plivo::PHLO::FFI::_last_error_json()) : '';
    };
    my $text = $raw_error->({ kind => 'raw_body', status => 400, body => qq({"api_id":"x","error":"bad $CANARY"}) });
    is_deeply([ leaks($text) ], [], 'the service\'s message echoing the token is scrubbed by the core');
    $text = $raw_error->({ kind => 'raw_body', status => 400, body => qq({"api_id":"$CANARY","error":"bad"}) });
    is_deeply([ leaks($text) ], [], 'an api_id echoing the token is scrubbed by the core');
    my @hits;
    for my $at ((map { $_ * 5 } 0 .. 60), (map { 2000 + $_ * 3 } 0 .. 20)) {
        for my $status (200, 400) {
            $text = $raw_error->({ kind => 'raw_body', status => $status, body => ('x' x $at) . $CANARY . ('y' x 3000) });
            push @hits, "$status, at $at: " . join(',', leaks($text)) if leaks($text);
        }
    }
    is_deeply(\@hits, [], 'a token cut by the quote or the 2 KiB copy of a body is scrubbed by the core');
};

open STDERR, '>&', $saved_stderr or die "restore: $!";
my $printed = do { open my $fh, '<', $stderr->filename or die; local $/; <$fh> // '' };
is_deeply([ leaks($printed) ], [], 'nothing written to stderr (fd 2) during the test holds the canary');
is_deeply(\@warnings, [], 'no warnings') or diag explain \@warnings;
diag(sprintf 'secrets: %d errors of %d kinds (%s) checked for the canary, %d requests in the simulator log',
    $errors, scalar(keys %kinds), join(', ', map { "$_ $kinds{$_}" } sort keys %kinds), scalar @log);
done_testing;
