"""The benchmark's report: tables in Markdown (each target with what was measured and whether it is met), a plot."""
from __future__ import annotations

import sys
from pathlib import Path
from typing import Any


def markdown(results: dict[str, Any]) -> str:
    """The report as Markdown, from benchmark.py's results."""
    machine = results['machine']
    lines = [f'Measured on {machine["date"]}: {machine["cpus"]} cores ({machine["cpu"]}), {machine["memory_gb"]} GB, '
             f'Python {machine["python"]}, {machine["system"]}; load generator on the same machine.'
             + (f' Each figure is the median of {machine["repeat"]} runs.' if machine.get('repeat', 1) > 1 else ''),
             '']
    if 'sweep' in results:
        lines += _designs('Players at one guess a second on 1–100 (the classic design: Flask + fetch + SQLAlchemy, '
                          'polling the board every 2 s; tests/load/classic/):', results['sweep'])
    if 'busy' in results:
        lines += _designs(f'{results["busy"][0]["players"]} players guessing as often as the server answers them '
                          f'(a guess {1 / results["busy"][0]["rate"]:.2f} s after each answer, on average):',
                          results['busy'])
    lines += ['| Target | Measured | Met |', '|---|---|---|']
    lines += [f'| {target} | {measured} | {met} |' for target, measured, met in _targets(results)]
    return '\n'.join(lines) + '\n'


def _designs(title: str, runs: list[dict[str, Any]]) -> list[str]:
    """A table of runs of both designs, one row each."""
    lines = [title, '', '| Design | Players | Guesses/s | Round trip p50 / p95 / p99 (ms) | New score seen by others '
             'p50 / p99 (ms) | Server CPU | ms CPU per guess | Server RSS (MB) | KB per player | Errors |',
             '|---|---:|---:|---|---|---:|---:|---:|---:|---:|']
    for run in runs:
        trip, seen = run['round_trip_ms'], run['broadcast_ms']
        lines.append(f'| {"Hi-Lo" if run["design"] == "hilo" else "classic"} | {run["connected"]} '
                     f'| {run["guesses_per_second"]:.0f} | {trip["p50"]:.1f} / {trip["p95"]:.1f} / '
                     f'{trip["p99"]:.1f} | {seen["p50"]:.0f} / {seen["p99"]:.0f} ({run["broadcasts"]}) '
                     f'| {run["server_cpu_percent"]:.0f}% | {run["server_cpu_ms_per_guess"]:.2f} '
                     f'| {run["server_rss_mb"]:.0f} | {run["server_rss_per_player_kb"]:.0f} | {run["errors"]} |')
    return [*lines, '']


def _targets(results: dict[str, Any]) -> list[tuple[str, str, str]]:
    rows: list[tuple[str, str, str]] = []
    yes = lambda met: 'yes' if met else 'no'  # noqa: E731
    sweep = {(run['design'], run['players']): run for run in results.get('sweep', [])}
    if ('hilo', 300) in sweep:
        run = sweep[('hilo', 300)]
        trip = run['round_trip_ms']
        rows.append(('Round trip p50 < 3 ms, p99 < 25 ms at 300 players guessing once a second',
                     f'p50 {trip["p50"]:.1f} ms, p99 {trip["p99"]:.1f} ms', yes(trip['p50'] < 3 and trip['p99'] < 25)))
    hilo_runs = [run for (design, _), run in sweep.items() if design == 'hilo']
    if hilo_runs:
        best = max(hilo_runs, key=lambda run: run['guesses_per_second'])
        rows.append(('At least 1,000 guesses a second from one process',
                     f'{best["guesses_per_second"]:.0f} a second with {best["connected"]} players',
                     yes(best['guesses_per_second'] >= 1000)))
        busiest = max(hilo_runs, key=lambda run: run['players'])
        rows.append(('At most 1 ms of server CPU per guess at 1–100, wins included',
                     ', '.join(f'{run["server_cpu_ms_per_guess"]:.2f} ms at {run["players"]} players'
                               for run in hilo_runs), yes(busiest['server_cpu_ms_per_guess'] <= 1)))
    rows += _against_classic_rows(sweep, results.get('busy', []))
    if 'joins' in results:
        run = results['joins']
        rows.append(('1,000 players arriving within 60 s all connected, page load p95 < 1 s',
                     f'{run["connected"]} connected, {run["errors"]} errors, arrival to game on screen p50 '
                     f'{run["join_ms"]["p50"]:.0f} ms, p95 {run["join_ms"]["p95"]:.0f} ms, {run["waited"]} waited',
                     yes(run['connected'] == run['players'] and run['join_ms']['p95'] < 1000)))
    if 'join-cost' in results:
        cost = results['join-cost']['server_cpu_ms_per_join']
        rows.append(('At most 10 ms of server CPU per player joining', f'{cost:.1f} ms', yes(cost <= 10)))
    if 'first-visits' in results:
        visit = results['first-visits']
        rows.append(('A first visit (the page and every file, empty browser cache): server CPU (no target; '
                     'join-cost counts returning browsers)',
                     f'{visit["server_cpu_ms_per_visit"]:.1f} ms per visit, {visit["kb_per_visit"]:.0f} KB in '
                     f'{visit["requests_per_visit"]} requests ({visit["visitors"]} visitors)', '—'))
    if 'overload' in results:
        over = results['overload']
        trip, newcomers = over['players_already_in']['round_trip_ms'], over['newcomers']
        rows.append((f'Past capacity ({over["arriving_per_second"]} arriving a second, {over["admitted_per_second"]} '
                     'let in): players in keep p99 < 100 ms, newcomers wait in order, nobody sees an error',
                     f'players in: p99 {trip["p99"]:.0f} ms; newcomers (came at '
                     f'{over.get("arrived_per_second", 0):.0f} a second): {newcomers["connected"]} of '
                     f'{newcomers["players"]} in, {newcomers["waited"]} waited (p95 {newcomers["wait_ms"]["p95"]:.0f} '
                     f'ms), {newcomers["errors"]} errors, all in {over["all_in_after_arrivals_ended_s"]:.1f} s after '
                     'arrivals ended', yes(trip['p99'] < 100 and newcomers['errors'] == 0
                                           and newcomers['connected'] == newcomers['players']
                                           # (twice the capacity only if they came that fast)
                                           and over.get('arrived_per_second', 0)
                                           >= 0.95 * over['arriving_per_second'])))
    if 'broadcast' in results:
        run = results['broadcast']
        rows.append(('A new top-10 score on all 1,000 open pages within 500 ms',
                     f'p50 {run["broadcast_ms"]["p50"]:.0f} ms, p99 {run["broadcast_ms"]["p99"]:.0f} ms '
                     f'({run["broadcasts"]} top-10 wins, {run["connected"]} pages)',
                     yes(run['broadcasts'] > 0 and run['broadcast_ms']['p50'] < 500)))
    if 'idle' in results:
        run = results['idle']
        rows.append(('At most 200 KB of server memory per connected player',
                     f'{run["server_rss_per_player_kb"]:.0f} KB ({run["connected"]} idle players, '
                     f'{run["server_rss_mb"]:.0f} MB RSS)', yes(run['server_rss_per_player_kb'] <= 200)))
        rows.append(('1,000 idle players cost under 10% of one core', f'{run["server_cpu_percent"]:.1f}%',
                     yes(run['server_cpu_percent'] < 10 and run['connected'] >= 1000)))
    if 'startup' in results:
        start = results['startup']
        rows.append(('`python main.py` ready within 2 s', f'{start["median_s"]:.2f} s median of 5, slowest '
                     f'{start["slowest_s"]:.2f} s', yes(start['slowest_s'] < 2)))
    if 'top-ten' in results:
        read = results['top-ten']
        rows.append((f'Top 10 of a range in under 2 ms with {read["scores"]:,} scores stored',
                     f'{read["median_ms"]:.2f} ms median of 200 reads, slowest {read["slowest_ms"]:.2f} ms',
                     yes(read['median_ms'] < 2)))
    return rows


def _against_classic_rows(sweep: dict[tuple[str, int], dict[str, Any]],
                          busy_runs: list[dict[str, Any]]) -> list[tuple[str, str, str]]:
    """Hi-Lo against the classic design at each number of players both ran (the sweep's runs by design and
    players, then the busy players' runs)."""
    pairs = []
    for size in sorted({players for _, players in sweep}):
        if ('hilo', size) in sweep and ('classic', size) in sweep:
            pairs.append((f'{size} players', sweep[('hilo', size)], sweep[('classic', size)]))
    busy = {run['design']: run for run in busy_runs}
    if 'hilo' in busy and 'classic' in busy:
        pairs.append((f'{busy["hilo"]["players"]} players guessing as often as they are answered', busy['hilo'],
                      busy['classic']))
    return [_against_classic(players, hilo, classic) for players, hilo, classic in pairs]


def _against_classic(players: str, hilo: dict[str, Any], classic: dict[str, Any]) -> tuple[str, str, str]:
    target = f'At least twice the classic design\'s guesses a second ({players})'
    ratio = hilo['guesses_per_second'] / max(classic['guesses_per_second'], 1e-9)
    measured = f'{hilo["guesses_per_second"]:.0f} against {classic["guesses_per_second"]:.0f} ({ratio:.1f}×)'
    if abs(ratio - 1) >= 0.1:
        return target, measured, 'yes' if ratio >= 2 else 'no'
    # Both answer every guess these players make: the rate says nothing more, the CPU each guess took does.
    hilo_cpu, classic_cpu = hilo['server_cpu_ms_per_guess'], classic['server_cpu_ms_per_guess']
    return (target, f'{measured}: both keep up with every guess made; CPU per guess {hilo_cpu:.2f} against '
            f'{classic_cpu:.2f} ms ({classic_cpu / max(hilo_cpu, 1e-9):.1f}× less)', 'not tested at this size')


def plot(results: dict[str, Any], path: Path) -> None:
    """Round trip, guesses a second and server CPU against players, for both designs (needs matplotlib)."""
    if 'sweep' not in results:
        return
    try:
        import matplotlib  # noqa: PLC0415  (only the plot needs it; the test suite does not)
    except ImportError:
        print('matplotlib is not installed: no plot (pip install matplotlib)', file=sys.stderr)
        return
    matplotlib.use('Agg')
    from matplotlib import pyplot  # noqa: PLC0415
    figure, (trip, rate, cpu) = pyplot.subplots(1, 3, figsize=(13, 3.8))
    for design, label in (('hilo', 'Hi-Lo'), ('classic', 'classic')):
        runs = [run for run in results['sweep'] if run['design'] == design]
        players = [run['players'] for run in runs]
        trip.plot(players, [max(run['round_trip_ms']['p99'], 0.1) for run in runs], 'o-', label=f'{label} p99')
        trip.plot(players, [max(run['round_trip_ms']['p50'], 0.1) for run in runs], 's--', label=f'{label} p50')
        rate.plot(players, [run['guesses_per_second'] for run in runs], 'o-', label=label)
        cpu.plot(players, [run['server_cpu_percent'] for run in runs], 'o-', label=label)
    trip.set(title='Guess round trip', xlabel='players (1 guess/s each)', ylabel='ms', yscale='log')
    rate.set(title='Guesses answered per second', xlabel='players (1 guess/s each)', ylabel='guesses/s')
    cpu.set(title='Server CPU', xlabel='players (1 guess/s each)', ylabel='% of one core')
    for axes in (trip, rate, cpu):
        axes.grid(alpha=0.3)
        axes.legend(fontsize=8)
    figure.tight_layout()
    figure.savefig(path, dpi=90)
