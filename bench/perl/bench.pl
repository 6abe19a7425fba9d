#!/usr/bin/env perl
# The Perl paths of the benchmark: the seed cold transfer, N calls on one reused client.
#
#   perl bench.pl PATH --url BASE [--calls N] [--seconds S] [--warmup W]
#
# Paths:
#   phlo          ours: Plivo::PHLO->new(...)->mpc_cold_transfer($P, $N, to => ..., ...)
#   phlo-obj      ours, the node object kept: $mpc->cold_transfer(to => ..., ...)
#   tiny          HTTP::Tiny with keep-alive, as Perl users get it (no TCP_NODELAY: every POST
#                 waits on Nagle's algorithm and the peer's delayed ACK, about 40 ms)
#   tiny-nodelay  HTTP::Tiny with TCP_NODELAY set on its socket after each connect
#   lwp           LWP::UserAgent with keep_alive
#   curl          WWW::Curl::Easy (libcurl), one handle reused (keep-alive, TCP_NODELAY), the
#                 answer decoded with the decoder Plivo::PHLO uses (Cpanel::JSON::XS, see below)
#   furl          Furl with keep-alive (it sets TCP_NODELAY itself), decoded as curl's
#   ffi-typed     experiment, not a product path: libphlo's typed phlo_client_mpc_cold_transfer
#                 attached directly with FFI::Platypus (no params JSON), the answer decoded with
#                 Cpanel::JSON::XS when installed (else JSON::PP): what Plivo::PHLO could reach
#
# Prints one JSON line (the protocol shared by every worker, see bench/harness.py). Every path
# decodes the JSON answer, as a caller of each would: the older peers (tiny, lwp) with JSON::PP,
# the standard library's; curl, furl and ffi-typed with the decoder Plivo::PHLO picks for the
# same answer (Cpanel::JSON::XS 4.0 or later when installed and PLIVO_PHLO_JSON is not JSON::PP,
# else JSON::PP), so that those rows differ from ours by the HTTP client alone.
use strict;
use warnings;
use Time::HiRes ();
use JSON::PP ();

my $AUTH_ID    = 'MAXXXXXXXXXXXXXXXXXX';
my $AUTH_TOKEN = 'token123';
my $PHLO       = '3f8e6c4a-2b1d-4e7f-9a5c-8d0b1e2f3a4b';
my $NODE       = 'b1d2c3e4-5f60-4a7b-8c9d-0e1f2a3b4c5d';
my $BODY  = '{"action":"cold_transfer","to":"+14152225555","role":"agent","trigger_source":"+14152223333"}';
my $BASIC = 'Basic TUFYWFhYWFhYWFhYWFhYWFhYWFg6dG9rZW4xMjM=';
my $UA    = 'phlo-bench/0.1.0';

my $path = shift @ARGV or die "usage: bench.pl PATH --url BASE [...]\n";
my %o = ('--calls' => 1000, '--seconds' => 30);
while (@ARGV) {
    my ($k, $v) = splice @ARGV, 0, 2;
    die "bench.pl: bad argument $k\n" unless defined $v && $k =~ /\A--(url|calls|seconds|warmup|threads)\z/;
    $o{$k} = $v;
}
my $url = $o{'--url'} or die "bench.pl: --url is required\n";
die "bench.pl: Perl paths run on one thread\n" if ($o{'--threads'} // 1) != 1;
my $calls  = $o{'--calls'};
my $warmup = $o{'--warmup'} // (int($calls / 10) < 1 ? 1 : int($calls / 10) > 200 ? 200 : int($calls / 10));

my $target = "$url/v1/phlo/$PHLO/multi_party_call/$NODE";
my $json   = JSON::PP->new;
my $call;

# The decoder Plivo::PHLO uses for answers like the seed call's (Plivo::PHLO::FFI's rule).
sub module_decoder {
    return Cpanel::JSON::XS->new->utf8
      if ($ENV{PLIVO_PHLO_JSON} // '') ne 'JSON::PP'
      && eval { require Cpanel::JSON::XS; Cpanel::JSON::XS->VERSION('4.0'); 1 };
    return JSON::PP->new->utf8;
}

if ($path eq 'phlo' || $path eq 'phlo-obj') {
    require Plivo::PHLO;
    my $client = Plivo::PHLO->new(auth_id => $AUTH_ID, auth_token => $AUTH_TOKEN, base_url => $url);
    if ($path eq 'phlo') {
        $call = sub {
            $client->mpc_cold_transfer($PHLO, $NODE,
                to => '+14152225555', role => 'agent', trigger_source => '+14152223333');
        };
    }
    else {
        my $mpc = $client->multi_party_call($PHLO, $NODE);
        $call = sub {
            $mpc->cold_transfer(to => '+14152225555', role => 'agent', trigger_source => '+14152223333');
        };
    }
}
elsif ($path eq 'ffi-typed') {
    require FFI::Platypus;
    my $lib = $ENV{PLIVO_PHLO_LIB} or die "bench.pl: ffi-typed needs PLIVO_PHLO_LIB\n";
    my $ffi = FFI::Platypus->new(api => 2, lib => [$lib]);
    $ffi->attach([phlo_client_new => 'ffi_new'] => [ 'string', 'string', 'string', 'opaque*' ] => 'sint32');
    $ffi->attach([phlo_client_mpc_cold_transfer => 'ffi_xfer'] =>
          [ 'opaque', 'string', 'string', 'string', 'string', 'string', 'opaque*' ] => 'sint32');
    $ffi->attach([phlo_string_free => 'ffi_free'] => ['opaque'] => 'void');
    $ffi->attach_cast('ffi_text', 'opaque', 'string');
    my $dec = module_decoder();
    my $client;
    ffi_new($AUTH_ID, $AUTH_TOKEN, qq({"base_url":"$url"}), \$client) == 0 or die "phlo_client_new failed\n";
    $call = sub {
        my $out;
        my $rc = ffi_xfer($client, $PHLO, $NODE, '+14152223333', '+14152225555', 'agent', \$out);
        die "phlo status $rc\n" if $rc;
        my $text = ffi_text($out);
        ffi_free($out);
        return $dec->decode($text);
    };
}
elsif ($path eq 'tiny' || $path eq 'tiny-nodelay') {
    require HTTP::Tiny;
    if ($path eq 'tiny-nodelay') {
        require Socket;
        no warnings 'redefine';
        my $connect = \&HTTP::Tiny::Handle::connect;
        *HTTP::Tiny::Handle::connect = sub {
            my $h = $connect->(@_);
            setsockopt($h->{fh}, Socket::IPPROTO_TCP(), Socket::TCP_NODELAY(), 1)
              or die "setsockopt TCP_NODELAY: $!";
            return $h;
        };
    }
    my $http = HTTP::Tiny->new(keep_alive => 1, agent => $UA,
        default_headers => { Authorization => $BASIC, Accept => 'application/json' });
    my $opts = { headers => { 'Content-Type' => 'application/json' }, content => $BODY };
    $call = sub {
        my $r = $http->request('POST', $target, $opts);
        die "HTTP $r->{status} $r->{reason}\n" unless $r->{success};
        $json->decode($r->{content});
    };
}
elsif ($path eq 'lwp') {
    require LWP::UserAgent;
    my $ua = LWP::UserAgent->new(keep_alive => 1, agent => $UA);
    $ua->default_header(Authorization => $BASIC, Accept => 'application/json');
    $call = sub {
        my $r = $ua->post($target, 'Content-Type' => 'application/json', Content => $BODY);
        die $r->status_line . "\n" unless $r->is_success;
        $json->decode($r->decoded_content);
    };
}
elsif ($path eq 'curl') {
    require WWW::Curl::Easy;
    my $dec  = module_decoder();
    my $curl = WWW::Curl::Easy->new;
    my $body;
    $curl->setopt(WWW::Curl::Easy::CURLOPT_URL(), $target);
    $curl->setopt(WWW::Curl::Easy::CURLOPT_HTTPHEADER(),
        [ "Authorization: $BASIC", 'Accept: application/json', 'Content-Type: application/json', 'Expect:' ]);
    $curl->setopt(WWW::Curl::Easy::CURLOPT_USERAGENT(), $UA);
    $curl->setopt(WWW::Curl::Easy::CURLOPT_POSTFIELDS(), $BODY);
    $curl->setopt(WWW::Curl::Easy::CURLOPT_POSTFIELDSIZE(), length $BODY);
    $curl->setopt(WWW::Curl::Easy::CURLOPT_TCP_NODELAY(), 1);
    $curl->setopt(WWW::Curl::Easy::CURLOPT_NOSIGNAL(), 1);
    # The answer is written into $body (the module appends to the scalar a reference names).
    $curl->setopt(WWW::Curl::Easy::CURLOPT_WRITEDATA(), \$body);
    my $code_info = WWW::Curl::Easy::CURLINFO_HTTP_CODE();
    $call = sub {
        $body = '';
        my $rc = $curl->perform;
        die 'curl: ' . $curl->strerror($rc) . "\n" if $rc;
        my $code = $curl->getinfo($code_info);
        die "HTTP $code\n" unless $code >= 200 && $code < 300;
        $dec->decode($body);
    };
}
elsif ($path eq 'furl') {
    require Furl;
    my $dec  = module_decoder();
    my $furl = Furl->new(agent => $UA, timeout => 30,
        headers => [ Authorization => $BASIC, Accept => 'application/json' ]);
    my $headers = [ 'Content-Type' => 'application/json' ];
    $call = sub {
        my $r = $furl->post($target, $headers, $BODY);
        die $r->status_line . "\n" unless $r->is_success;
        $dec->decode($r->content);
    };
}
else {
    die "bench.pl: unknown path $path\n";
}

sub phase {
    my ($n) = @_;
    my (@lat, @err);
    my $deadline = Time::HiRes::time() + $o{'--seconds'};
    my $t0 = Time::HiRes::time();
    # The process's CPU time, user + system: what getrusage sums for the other workers (core
    # Perl has no getrusage, and times() counts in 10 ms ticks).
    my $c0 = Time::HiRes::clock_gettime(Time::HiRes::CLOCK_PROCESS_CPUTIME_ID());
    for (1 .. $n) {
        my $s = Time::HiRes::time();
        my $ok = eval { $call->(); 1 };
        my $e = Time::HiRes::time();
        if ($ok) { push @lat, $e - $s } else { push @err, "$@" }
        last if $e > $deadline;
    }
    my $cpu = Time::HiRes::clock_gettime(Time::HiRes::CLOCK_PROCESS_CPUTIME_ID()) - $c0;
    return (Time::HiRes::time() - $t0, \@lat, \@err, $cpu);
}

my (undef, undef, $werr) = phase($warmup);
my ($elapsed, $lat, $err, $cpu) = phase($calls);
my @s = sort { $a <=> $b } @$lat;
sub pct {
    my ($q) = @_;
    return 0 unless @s;
    my $k = int($q * @s + 0.999999999);
    $k = 1 if $k < 1;
    $k = @s if $k > @s;
    return sprintf('%.1f', $s[$k - 1] * 1e6) + 0;
}
# VmHWM in KiB: the peak resident set of this process (reset by exec, unlike ru_maxrss).
sub peak_rss_kib {
    open my $fh, '<', '/proc/self/status' or return 0;
    while (<$fh>) { return $1 + 0 if /^VmHWM:\s+(\d+)/ }
    return 0;
}
my $first = $err->[0] // $werr->[0];
chomp $first if defined $first;
print JSON::PP->new->canonical->encode({
    path => $path, threads => 1, calls => @s + @$err, errors => @$err + @$werr,
    elapsed_s => $elapsed + 0, cpu_s => $cpu + 0, p50_us => pct(0.5), p99_us => pct(0.99), rss_kib => peak_rss_kib(), first_error => $first,
}), "\n";
