# jbox supervisor: the parent of every command of one local sandbox, so that the commands outlive the JVM that
# started them. Run by dev.jbox.client.local.Supervisor as `perl supervisor.pl INSTANCE_DIR`; perl-base is part
# of every Debian and Ubuntu system. It leads a session of its own, so a signal to the JVM's process group does
# not reach it.
#
# Requests arrive on stdin from the owning JVM, each as "<length>\n" followed by NUL-separated fields:
#   start SEQ CWD OUT ERR FIFO EXITFILE TIMEOUT_MS GRACE_MS COOKIE ARGC ARGV... ENVC K=V...
#   policy kill|keep      what to do with the commands when the JVM dies (default keep)
#   watch PGID COOKIE     another tree (adopted by the JVM) that the policy covers too; unwatch COOKIE
#   close-stdin SEQ       close our write end of the command's stdin FIFO (then it reads EOF)
#   reason SEQ killed|timedout   the JVM is about to end the command: the exit file says why
#   quit                  the JVM closes cleanly: end what still runs, exit when nothing is left
# Answers go to stdout, one line each: "started SEQ PID" right after the fork, "failed SEQ MESSAGE" if the exec
# failed (then before its exit), and "exit SEQ CODE SIGNAL REASON" (reason: exited, killed, timedout, notstarted).
# Each command's output goes straight to its log files (opened for append), never through a pipe of ours or of
# the JVM, so nothing it prints depends on either being alive. Its exit status goes to EXITFILE
# ("CODE SIGNAL REASON", written to a temporary name and renamed), also when no JVM listens any more.
# Others (a JVM that adopted a command) write "close-stdin SEQ" and "reason SEQ WHY" lines into the FIFO
# INSTANCE_DIR/ctl.
# When stdin reaches its end without "quit", the JVM died: with policy kill every tree gets TERM, and KILL one
# second later; with keep the commands run on, their timeouts are still enforced, and the supervisor exits
# once the last one has ended.
use strict;
use warnings;
use POSIX ();
use Fcntl qw(F_GETFL F_SETFL O_NONBLOCK O_RDWR);

my $dir = shift @ARGV or die "usage: supervisor.pl INSTANCE_DIR\n";
$0 = "jbox-supervisor $dir";
POSIX::setsid();
$SIG{PIPE} = 'IGNORE'; # a JVM gone must not kill us on our next answer; reset to default in every command

my $TICK = POSIX::sysconf(POSIX::_SC_CLK_TCK()) || 100;
sub now { return (POSIX::times())[0] / $TICK } # monotonic seconds, without Time::HiRes (not in perl-base)

my %kids;          # pid => { seq, pid, cookie, exitfile, hold (stdin FIFO), status (pipe), deadline, grace, reason, doomed }
my %by_seq;        # seq => pid
my %watched;       # cookie => pgid
my $policy = 'keep';
my $owner = 1;     # the JVM is alive (stdin open)
my $ending = 0;    # the JVM went away or said quit: exit once nothing is left
my $inbuf = '';

pipe(my $wake_r, my $wake_w) or die "pipe: $!";
for my $h ($wake_r, $wake_w) { fcntl($h, F_SETFL, fcntl($h, F_GETFL, 0) | O_NONBLOCK) }
$SIG{CHLD} = sub { syswrite($wake_w, 'x') };

my $ctl_path = "$dir/ctl";
POSIX::mkfifo($ctl_path, 0600) unless -p $ctl_path;
sysopen(my $ctl, $ctl_path, O_RDWR | O_NONBLOCK) or die "cannot open $ctl_path: $!";
my $ctlbuf = '';

sub answer {
    my ($line) = @_;
    $owner = 0 if $owner && !defined syswrite(STDOUT, "$line\n") && !$!{EAGAIN};
}

sub read_all {
    my ($fh) = @_;
    my $data = '';
    for (;;) {
        my $n = sysread($fh, my $chunk, 4096);
        if (!defined $n) { next if $!{EINTR}; last }
        last if $n == 0;
        $data .= $chunk;
    }
    return $data;
}

sub start_command {
    my ($seq, $cwd, $out, $err, $fifo, $exitfile, $timeout_ms, $grace_ms, $cookie, @rest) = @_;
    my $argc = shift @rest;
    my @argv = splice(@rest, 0, $argc);
    my $envc = shift @rest;
    my @env = splice(@rest, 0, $envc);
    my $hold;
    if ($fifo ne '') {
        POSIX::mkfifo($fifo, 0600) or return answer("failed $seq cannot create $fifo: $!");
        # Held open for writing by us, so the command reads EOF only when it is told to (close-stdin), not when
        # the JVM writing into the FIFO dies.
        sysopen($hold, $fifo, O_RDWR) or return answer("failed $seq cannot open $fifo: $!");
    }
    pipe(my $status_r, my $status_w) or return answer("failed $seq pipe: $!");
    my $pid = fork();
    if (!defined $pid) {
        close $hold if $hold;
        return answer("failed $seq fork: $!");
    }
    if ($pid == 0) {
        close $status_r;
        eval {
            POSIX::setsid();
            $SIG{$_} = 'DEFAULT' for qw(PIPE CHLD);
            chdir($cwd) or die "cannot change to $cwd: $!\n";
            open(STDIN, '<', $fifo ne '' ? $fifo : '/dev/null') or die "cannot open stdin: $!\n";
            open(STDOUT, '>>', $out) or die "cannot open $out: $!\n";
            open(STDERR, '>>', $err) or die "cannot open $err: $!\n";
            %ENV = map { /^([^=]*)=(.*)$/s ? ($1, $2) : ($_, '') } @env;
            { no warnings 'exec'; exec { $argv[0] } @argv; } # the status pipe closes on exec: success
            die "$!\n";
        };
        my $why = $@ || "exec failed\n";
        syswrite($status_w, $why);
        POSIX::_exit(127);
    }
    close $status_w;
    # Answered at once: whether the exec worked is read from the status pipe when the command ends (an exec that
    # failed ends it at once), so a start costs the JVM one round trip and no wait for the exec.
    $kids{$pid} = { seq => $seq, pid => $pid, cookie => $cookie, exitfile => $exitfile, hold => $hold, status => $status_r,
                    deadline => ($timeout_ms > 0 ? now() + $timeout_ms / 1000 : undef), grace => $grace_ms / 1000 };
    $by_seq{$seq} = $pid;
    answer("started $seq $pid");
}

sub set_reason {
    my ($seq, $why) = @_;
    my $pid = $by_seq{$seq};
    $kids{$pid}{reason} //= $why if defined $pid && $kids{$pid} && $why =~ /^(killed|timedout)$/;
}

sub close_stdin {
    my ($seq) = @_;
    my $pid = $by_seq{$seq};
    return unless defined $pid && $kids{$pid} && $kids{$pid}{hold};
    close $kids{$pid}{hold};
    delete $kids{$pid}{hold};
}

# Processes whose JBOX_TREE holds one of these cookies: the members of those trees that left the process group.
sub cookie_pids {
    my %want = map { $_ => 1 } @_;
    return () unless %want;
    my @found;
    opendir(my $proc, '/proc') or return ();
    for my $p (readdir $proc) {
        next unless $p =~ /^\d+$/ && $p != $$;
        open(my $f, '<', "/proc/$p/environ") or next;
        my $env = do { local $/; <$f> };
        close $f;
        next unless defined $env && $env =~ /(?:^|\0)JBOX_TREE=([^\0]*)/;
        for my $c (split / /, $1) {
            if ($want{$c}) { push @found, $p; last }
        }
    }
    closedir $proc;
    return @found;
}

sub signal_trees {
    my ($sig, @trees) = @_; # [pgid, cookie] pairs
    # The group, or the main process itself while it has not made its session yet (just forked).
    kill($sig, -$_->[0]) || kill($sig, $_->[0]) for grep { $_->[0] > 0 } @trees;
    my @members = cookie_pids(map { $_->[1] } @trees);
    kill($sig, @members) if @members;
}

# Trees that got TERM and get KILL when their time comes, whether or not their main process is still there (a
# child that ignores TERM outlives it): [time, rounds left, [pgid, cookie]...].
my @doomed;

sub doom {
    my ($grace, @trees) = @_;
    return unless @trees;
    signal_trees('TERM', @trees);
    push @doomed, [now() + $grace, 3, @trees];
}

sub kill_kids {
    my ($reason, $grace, @pids) = @_;
    my @trees;
    for my $pid (@pids) {
        my $k = $kids{$pid} or next;
        $k->{reason} //= $reason;
        $k->{doomed} = 1;
        push @trees, [$pid, $k->{cookie}];
    }
    doom($grace, @trees);
}

sub owner_gone {
    my ($clean) = @_;
    return if $ending;
    $ending = 1;
    $owner = 0;
    if ($clean || $policy eq 'kill') {
        kill_kids('killed', 1, keys %kids);
        doom(1, map { [$watched{$_}, $_] } keys %watched);
    }
}

sub handle_request {
    my ($verb, @f) = split /\0/, $_[0], -1;
    if ($verb eq 'start') { start_command(@f) }
    elsif ($verb eq 'policy') { $policy = $f[0] eq 'kill' ? 'kill' : 'keep' }
    elsif ($verb eq 'watch') { $watched{$f[1]} = $f[0] }
    elsif ($verb eq 'unwatch') { delete $watched{$f[0]} }
    elsif ($verb eq 'close-stdin') { close_stdin($f[0]) }
    elsif ($verb eq 'reason') { set_reason(@f) }
    elsif ($verb eq 'quit') { owner_gone(1) }
}

sub reap {
    while ((my $pid = waitpid(-1, POSIX::WNOHANG())) > 0) {
        my $status = $?;
        my $k = delete $kids{$pid} or next;
        delete $by_seq{$k->{seq}};
        close $k->{hold} if $k->{hold};
        my ($code, $sig) = ($status & 127) ? (128 + ($status & 127), $status & 127) : ($status >> 8, 0);
        my $reason = $k->{reason} // 'exited';
        my $why = read_all($k->{status}); # empty: the exec worked
        close $k->{status};
        if ($why ne '') {
            $why =~ s/\s+$//;
            $why =~ s/\n/ /g;
            answer("failed $k->{seq} $why") if $owner;
            $reason = 'notstarted';
        }
        if (open(my $f, '>', "$k->{exitfile}.tmp")) {
            print $f "$code $sig $reason\n";
            close $f;
            rename("$k->{exitfile}.tmp", $k->{exitfile});
        }
        answer("exit $k->{seq} $code $sig $reason") if $owner;
    }
}

sub enforce_deadlines {
    my $t = now();
    unless ($owner) { # while the JVM lives it enforces timeouts itself, with its finer view of the tree
        my @due = grep { defined $kids{$_}{deadline} && $kids{$_}{deadline} <= $t && !$kids{$_}{doomed} } keys %kids;
        for my $pid (@due) { kill_kids('timedout', $kids{$pid}{grace}, $pid) }
    }
    for my $d (@doomed) {
        next if $d->[0] > $t;
        my (undef, undef, @trees) = @$d;
        signal_trees('KILL', @trees);
        $d->[0] = $t + 0.5; # again, in case a member forked meanwhile
        $d->[1]--;
    }
    @doomed = grep { $_->[1] > 0 } @doomed;
}

sub next_wakeup {
    # While commands run, wake at least every 100 ms: a SIGCHLD that arrives just before select blocks is
    # otherwise only noticed at the next event.
    return undef unless %kids || @doomed;
    my $wait = 0.1;
    my $t = now();
    for my $at (map({ $_->[0] } @doomed), $owner ? () : map({ $_->{deadline} } values %kids)) {
        $wait = $at - $t if defined $at && $at - $t < $wait;
    }
    return $wait < 0.01 ? 0.01 : $wait;
}

for (;;) {
    reap();
    enforce_deadlines();
    last if $ending && !%kids && !@doomed;
    my $rin = '';
    vec($rin, fileno(STDIN), 1) = 1 if $owner;
    vec($rin, fileno($wake_r), 1) = 1;
    vec($rin, fileno($ctl), 1) = 1;
    my $n = select(my $rout = $rin, undef, undef, next_wakeup());
    next if $n <= 0;
    if (vec($rout, fileno($wake_r), 1)) { sysread($wake_r, my $drain, 4096) }
    if ($owner && vec($rout, fileno(STDIN), 1)) {
        my $got = sysread(STDIN, $inbuf, 65536, length $inbuf);
        if (defined $got && $got == 0) {
            owner_gone(0);
        } elsif (defined $got) {
            while ($inbuf =~ /^(\d+)\n/ && length($inbuf) >= length($1) + 1 + $1) {
                my $len = $1;
                my $request = substr($inbuf, length($len) + 1, $len);
                substr($inbuf, 0, length($len) + 1 + $len) = '';
                handle_request($request);
            }
        }
    }
    if (vec($rout, fileno($ctl), 1)) {
        my $got = sysread($ctl, $ctlbuf, 4096, length $ctlbuf);
        while ($ctlbuf =~ s/^([^\n]*)\n//) {
            my ($verb, @args) = split / /, $1;
            if ($verb eq 'close-stdin' && @args) { close_stdin($args[0]) }
            elsif ($verb eq 'reason' && @args == 2) { set_reason(@args) }
        }
    }
}
unlink $ctl_path;
