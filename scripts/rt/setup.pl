#!/usr/bin/perl
# Prepares a fresh Request Tracker database for Guichet's tests and demo, with what REST2 cannot
# do itself (rights, tokens, which queue a custom field applies to). Run with RT_SITE_CONFIG set.
# Prints KEY=VALUE lines: REQUESTOR_TOKEN, TECH_TOKEN, REQUESTOR, TECH.
use strict;
use warnings;
use lib '/usr/share/request-tracker5/lib';
use RT -init;

my $system = RT->SystemUser;
sub must { my ($what, $ok, $msg) = @_; die "rt-setup: $what: $msg\n" unless $ok; }

# The requester reads RT in French, as in an académie: RT then words its answers to her in
# French (and RT 5.0 writes them in Latin-1, which the connector must read). The technician keeps
# RT's default language.
my %users = (
    requestor => ['prof', 'prof@example.org', 0, 'fr'],
    tech      => ['tech', 'tech@example.org', 1, undef],
);
my %out;
for my $role (sort keys %users) {
    my ($name, $email, $privileged, $lang) = @{ $users{$role} };
    my $user = RT::User->new($system);
    my ($id, $msg) = $user->Create(
        Name => $name, EmailAddress => $email, Privileged => $privileged,
        Password => "guichet-$name", ($lang ? (Lang => $lang) : ()),
    );
    must("user $name", $id, $msg);
    my $token = RT::AuthToken->new($system);
    my ($tid, $tmsg, $secret) = $token->Create(Owner => $id, Description => 'Guichet');
    must("token of $name", $tid, $tmsg);
    $out{ uc($role) . '_TOKEN' } = $secret;
    $out{ uc($role) } = $email;
}

my $queue = RT::Queue->new($system);
$queue->Load('General');
my $requestors = $queue->RoleGroup('Requestor')->PrincipalObj;
for my $right (qw(ShowTicket ReplyToTicket CommentOnTicket SeeQueue)) {
    my ($ok, $msg) = $requestors->GrantRight(Right => $right, Object => $queue);
    must("requestors' $right", $ok, $msg);
}
my $everyone = RT::Group->new($system);
$everyone->LoadSystemInternalGroup('Everyone');
my ($ok, $msg) = $everyone->PrincipalObj->GrantRight(Right => 'CreateTicket', Object => $queue);
must('CreateTicket', $ok, $msg);

my $tech = RT::User->new($system);
$tech->Load('tech');
($ok, $msg) = $tech->PrincipalObj->GrantRight(Right => 'SuperUser', Object => RT->System);
must('the technician', $ok, $msg);

# The client reference (idempotency), the acceptance and the satisfaction score.
for my $name (qw(IdempotencyKey Accepted Satisfaction)) {
    my $cf = RT::CustomField->new($system);
    my ($id, $m) = $cf->Create(Name => $name, Type => 'FreeformSingle',
        LookupType => 'RT::Queue-RT::Ticket');
    must("custom field $name", $id, $m);
    ($ok, $m) = $cf->AddToObject($queue);
    must("custom field $name on General", $ok, $m);
    for my $right (qw(SeeCustomField ModifyCustomField)) {
        ($ok, $m) = $everyone->PrincipalObj->GrantRight(Right => $right, Object => $cf);
        must("$right on $name", $ok, $m);
    }
}
print "$_=$out{$_}\n" for sort keys %out;
