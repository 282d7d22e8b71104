#!/usr/bin/env python3
"""Writes a deterministic organisations CSV and people CSV for bench/import.

    bench/gen_people_csv.py --people N --organisations-out FILE --people-out FILE [--seed S]

The organisations are one integrated care system in small: NHS trusts, an integrated care board,
councils, GP practices, care providers and voluntary organisations. Each organisation's people form
a reporting tree (a head, then managers with about eight reports each), with unique staff numbers
and emails, job titles and levels that go together, and start dates. The rows are shuffled, as an
HR export sorted by something other than the reporting line would be, so the importer has to put
managers first itself. Standard library only.
"""

import argparse
import csv
import random

FIRST = [
    "Olivia", "Amelia", "Emily", "Isla", "Jessica", "Sophie", "Charlotte", "Lucy", "Hannah", "Grace",
    "Oliver", "George", "Harry", "Jack", "Thomas", "James", "William", "Daniel", "Samuel", "Matthew",
    "Priya", "Anjali", "Ayesha", "Fatima", "Chioma", "Ngozi", "Abena", "Marites", "Agnieszka", "Ioana",
    "Rajesh", "Imran", "Kwame", "Emeka", "Tendai", "Piotr", "Andrei", "Wei", "Mei", "Siobhan",
]
LAST = [
    "Smith", "Jones", "Williams", "Taylor", "Brown", "Davies", "Evans", "Wilson", "Thomas", "Roberts",
    "Walker", "Wright", "Hughes", "Green", "Hall", "Clarke", "Patel", "Khan", "Hussain", "Begum",
    "Okafor", "Mensah", "Moyo", "Santos", "Reyes", "Kowalski", "Popescu", "Chen", "Wong", "O'Brien",
    "Murphy", "Campbell", "Ahmed", "Shah", "Singh", "Osei", "Adeyemi", "Nowak", "Silva", "Ferreira",
]

# (kind, sector, ownership, domain suffix, share of people, typical size, levels top to bottom)
NHS = [
    ("vsm", "Chief executive", "Management"),
    ("band-9", "Director of operations", "Management"),
    ("band-8c", "Associate director of nursing", "Nursing"),
    ("band-8a", "Matron", "Nursing"),
    ("band-7", "Ward manager", "Nursing"),
    ("band-6", "Senior staff nurse", "Nursing"),
    ("band-5", "Staff nurse", "Nursing"),
    ("band-3", "Senior healthcare assistant", "Support to clinical staff"),
    ("band-2", "Healthcare assistant", "Support to clinical staff"),
]
CARE = [
    ("registered-manager", "Registered manager", "Care management"),
    ("deputy-manager", "Deputy manager", "Care management"),
    ("team-leader", "Team leader", "Direct care"),
    ("senior-care-worker", "Senior care worker", "Direct care"),
    ("care-worker", "Care worker", "Direct care"),
]
COUNCIL = [
    ("care-director", "Director of adult social services", "Social work"),
    ("registered-manager", "Head of adult social work", "Social work"),
    ("deputy-manager", "Team manager, social work", "Social work"),
    ("team-leader", "Senior practitioner", "Social work"),
    ("senior-care-worker", "Social worker", "Social work"),
    ("care-worker", "Reablement support worker", "Direct care"),
]
GP = [
    ("medical", "Senior partner", "Medical and dental"),
    ("band-8a", "Practice manager", "Management"),
    ("band-6", "Practice nurse", "Nursing"),
    ("band-3", "Administrator", "Administrative and clerical"),
    ("band-2", "Receptionist", "Administrative and clerical"),
]
KINDS = [
    # kind, sector, ownership, suffix, share, size, ladder, name pattern
    ("nhs-trust", "health", "public", ".nhs.uk", 0.45, 8000, NHS, "{} Hospitals NHS Trust"),
    ("integrated-care-board", "health", "public", ".nhs.uk", 0.01, 700, NHS, "NHS {} Integrated Care Board"),
    ("local-authority", "social-work", "public", ".gov.uk", 0.04, 1000, COUNCIL, "{} Council"),
    ("gp-practice", "health", "independent", ".nhs.uk", 0.05, 30, GP, "{} Surgery"),
    ("care-provider", "social-care", "independent", "-care.co.uk", 0.43, 40, CARE, "{} House"),
    ("voluntary-organisation", "social-care", "third", ".org.uk", 0.02, 10, CARE, "{} Carers Centre"),
]
PLACES = ["Riverside", "Northvale", "Eastmarsh", "Westbrook"]
WORDS = [
    "Ash", "Birch", "Cedar", "Elm", "Hazel", "Holly", "Larch", "Maple", "Oak", "Rowan", "Willow", "Yew",
    "Brook", "Field", "Green", "Hill", "Lea", "Mead", "Moor", "Vale", "Wood", "Ford", "Cross", "Bank",
]


def level_weights(n_levels):
    # A pyramid: each level down has more people than the one above.
    return [2.0 ** i for i in range(n_levels)]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--people", type=int, required=True)
    parser.add_argument("--organisations-out", required=True)
    parser.add_argument("--people-out", required=True)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    rng = random.Random(args.seed)

    # Organisations and how many people each has.
    orgs = []
    names = set()
    domains = set()
    for kind, sector, ownership, suffix, share, size, ladder, pattern in KINDS:
        budget = max(1, round(args.people * share))
        count = max(1, round(budget / size))
        sizes = [budget // count] * count
        for i in range(budget - sum(sizes)):
            sizes[i] += 1
        for s in sizes:
            while True:
                stem = rng.choice(WORDS) + rng.choice(WORDS).lower() + rng.choice(["", " Green", " Park", " Lane"])
                name = pattern.format(stem)
                domain = "".join(c for c in name.lower() if c.isalnum())[:40] + suffix
                if name not in names and domain not in domains:
                    names.add(name)
                    domains.add(domain)
                    break
            code = f"{kind[:2].upper()}{len(orgs) + 1:05d}"
            orgs.append((code, name, kind, sector, ownership, domain, rng.choice(PLACES), s, ladder))
    # Trim or pad the largest organisation so that the sizes add up exactly.
    total = sum(o[7] for o in orgs)
    big = max(range(len(orgs)), key=lambda i: orgs[i][7])
    o = orgs[big]
    orgs[big] = o[:7] + (o[7] + args.people - total,) + o[8:]

    with open(args.organisations_out, "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["code", "name", "kind", "sector", "ownership", "email_domains", "place", "system"])
        for code, name, kind, sector, ownership, domain, place, _, _ in orgs:
            w.writerow([code, name, kind, sector, ownership, domain, place, "Wessex Vale Integrated Care System"])

    rows = []
    staff = 10_000_000
    for code, _, _, _, _, domain, _, size, ladder in orgs:
        weights = level_weights(len(ladder))
        total_w = sum(weights)
        counts = [max(1 if i == 0 else 0, int(size * w / total_w)) for i, w in enumerate(weights)]
        counts[0] = 1
        counts[-1] += size - sum(counts)
        if counts[-1] < 0:
            counts = [1] + [0] * (len(ladder) - 2) + [size - 1]
        used = {}
        org_rows = []
        for li, c in enumerate(counts):
            level, title, profession = ladder[li]
            for _ in range(c):
                first, last = rng.choice(FIRST), rng.choice(LAST)
                local = f"{first}.{last}".lower().replace("'", "")
                n = used.get(local, 0) + 1
                used[local] = n
                email = f"{local}{n if n > 1 else ''}@{domain}"
                staff += rng.randint(1, 5)
                start = f"{rng.randint(1995, 2024)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
                org_rows.append([str(staff), first, last, email, title, profession, level, code, "", start])
        # Person i (after the head) reports to one of the earlier people, about eight each.
        for i in range(1, len(org_rows)):
            org_rows[i][8] = org_rows[(i - 1) // 8][0]
        rows.extend(org_rows)
    rng.shuffle(rows)

    with open(args.people_out, "w", newline="") as f:
        w = csv.writer(f)
        w.writerow([
            "staff_number", "first_name", "last_name", "email", "job_title", "profession", "level",
            "organisation", "line_manager_staff_number", "start_date",
        ])
        w.writerows(rows)


if __name__ == "__main__":
    main()
