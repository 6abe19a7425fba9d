#!/usr/bin/env perl
# A cold transfer with Plivo::PHLO: the agent +14152223333 hands the call on node
# b1d2c3e4-5f60-4a7b-8c9d-0e1f2a3b4c5d of PHLO 3f8e6c4a-2b1d-4e7f-9a5c-8d0b1e2f3a4b over to
# +14152225555 (role agent) and leaves. Prints the HTTP status and the response body.
#
# Credentials come from PLIVO_AUTH_ID and PLIVO_AUTH_TOKEN, the runner's address from
# PLIVO_PHLO_BASE_URL (default https://phlorunner.plivo.com); libphlo is found as
# Plivo::PHLO documents (PLIVO_PHLO_LIB, the build tree, the system path).
#
#   perl -I perl/lib examples/perl/cold_transfer.pl
#
# On failure it prints the error (one line) to stderr and exits with status 1.
use strict;
use warnings;

use FindBin;
use lib "$FindBin::Bin/../../perl/lib";    # run from a checkout without installing

use Plivo::PHLO;

my $phlo_id = '3f8e6c4a-2b1d-4e7f-9a5c-8d0b1e2f3a4b';
my $node_id = 'b1d2c3e4-5f60-4a7b-8c9d-0e1f2a3b4c5d';

my $ok = eval {
    my $client = Plivo::PHLO->new;    # PLIVO_AUTH_ID, PLIVO_AUTH_TOKEN, PLIVO_PHLO_BASE_URL
    $client->multi_party_call($phlo_id, $node_id)->cold_transfer(
        to             => '+14152225555',
        role           => 'agent',
        trigger_source => '+14152223333',
    );
    # The same call with the flat method:
    #   $client->mpc_cold_transfer($phlo_id, $node_id,
    #       trigger_source => '+14152223333', to => '+14152225555', role => 'agent');
    printf "status: %d\n%s\n", $client->last_status, $client->last_body;
    1;
};
if (!$ok) {
    my $e = $@;
    print STDERR ref $e ? "cold transfer failed: $e\n" : "cold transfer failed: $e";
    exit 1;
}
