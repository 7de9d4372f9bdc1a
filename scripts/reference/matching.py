#!/usr/bin/env python3
"""Reference answers for matching resource-list items to open demands (#28): networkx's
min-cost maximum flow, as its users call it (`nx.max_flow_min_cost(G, "s", "t")` and
`nx.cost_of_flow`), on seeded random small cases: offers with capacities, needs with
households, and the pairs that may meet with their walking cost in metres.

Writes tests/fixtures/matching_reference.json: per case the offers, needs and pairs, and the
households served and the total cost (households × metres). Run from the project root:

    pip install networkx==3.6.1
    python3 scripts/reference/matching.py
"""

import json
import random

import networkx as nx


def case(rng):
    offers = [rng.randint(0, 30) for _ in range(rng.randint(1, 8))]
    needs = [rng.randint(1, 25) for _ in range(rng.randint(1, 10))]
    pairs = []
    for i in range(len(offers)):
        for j in range(len(needs)):
            if rng.random() < 0.45:
                pairs.append([i, j, rng.randint(0, 2000)])
    g = nx.DiGraph()
    g.add_node("s")
    g.add_node("t")
    for i, c in enumerate(offers):
        g.add_edge("s", f"o{i}", capacity=c, weight=0)
    for j, h in enumerate(needs):
        g.add_edge(f"n{j}", "t", capacity=h, weight=0)
    for i, j, cost in pairs:
        g.add_edge(f"o{i}", f"n{j}", weight=cost)  # no capacity: unbounded
    flow = nx.max_flow_min_cost(g, "s", "t")
    served = sum(flow["s"].values())
    return {
        "offers": offers,
        "needs": needs,
        "pairs": pairs,
        "households": served,
        "cost": nx.cost_of_flow(g, flow),
    }


def main():
    rng = random.Random(20211001)
    cases = [case(rng) for _ in range(200)]
    with open("tests/fixtures/matching_reference.json", "w") as f:
        json.dump({"generator": "scripts/reference/matching.py",
                   "library": f"networkx {nx.__version__}", "cases": cases}, f)
        f.write("\n")


if __name__ == "__main__":
    main()
