#!/usr/bin/env python3
"""Drives the coordinator's dashboard in a real Chromium (Selenium + chromedriver) while a real
farm renders: submits a multi-chunk shot and watches it appear and publish without reloading,
checks the job page's timeline and thumbnails, drains and resumes a node from its button and
sets a second job's priority and cancels it from the jobs page. Saves a screenshot of each page into OUT.

usage: browser_check.py URL TOKEN OUT --scenefarm BIN --coordinator tcp://… --shot A.yaml --long-shot B.yaml --node NAME
Prints one JSON line of what it saw; exits 1 with the reason on the first thing that does not hold.
"""
import argparse, json, os, subprocess, sys, time, urllib.request

from selenium import webdriver
from selenium.webdriver.chrome.options import Options
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By


def fail(message):
    print("browser check failed: " + message, file=sys.stderr)
    sys.exit(1)


def wait(what, condition, timeout=30.0, every=0.1):
    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            value = condition()
            if value:
                return value
        except Exception:  # an element replaced by a live update mid-read
            pass
        time.sleep(every)
    fail(f"timed out after {timeout:.0f} s waiting for {what}")


def click(what, find):
    """Finds and clicks in one retried step: a live update can replace the element between
    finding it and clicking it (a stale element), and then the click must find it again."""
    wait(what, lambda: find().click() or True, timeout=10)


def api(url, path):
    with urllib.request.urlopen(url + path, timeout=10) as response:
        return json.load(response)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("url")
    parser.add_argument("token")
    parser.add_argument("out")
    parser.add_argument("--scenefarm", required=True)
    parser.add_argument("--coordinator", required=True)
    parser.add_argument("--shot", required=True)
    parser.add_argument("--long-shot", required=True)
    parser.add_argument("--node", required=True)
    args = parser.parse_args()
    os.makedirs(args.out, exist_ok=True)

    options = Options()
    options.binary_location = "/usr/bin/chromium"
    for flag in ["--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu", "--window-size=1400,1000"]:
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)
    driver.set_page_load_timeout(30)
    seen = {}
    try:
        def shot(name):
            path = os.path.join(args.out, name + ".png")
            driver.save_screenshot(path)
            seen.setdefault("screenshots", []).append(path)

        def submit(spec):
            result = subprocess.run([args.scenefarm, "submit", spec, "--coordinator", args.coordinator], capture_output=True, text=True, timeout=60)
            if result.returncode != 0:
                fail(f"scenefarm submit {spec}: {result.stderr.strip()}")
            return result.stdout.strip()

        # Jobs page, token entered once for this tab.
        driver.get(args.url + "/")
        driver.execute_script("window.__scenefarmNoReload = 1")
        driver.find_element(By.ID, "token").send_keys(args.token)
        driver.find_element(By.CSS_SELECTOR, "#token-form button").click()
        wait("the live connection", lambda: driver.find_element(By.ID, "live-status").text == "live")

        job = submit(args.shot)
        seen["job"] = job
        row = f'tr[data-job="{job}"]'
        wait("the submitted job to appear on the jobs page", lambda: driver.find_elements(By.CSS_SELECTOR, row), timeout=10)
        progress = []
        def published():
            bar = driver.find_element(By.CSS_SELECTOR, row + " progress")
            value, maximum = int(bar.get_attribute("value")), int(bar.get_attribute("max"))
            if not progress or progress[-1] != value:
                progress.append(value)
            return driver.find_element(By.CSS_SELECTOR, row).get_attribute("data-state") == "done" and value == maximum
        wait("the job to reach published on the page", published, timeout=180, every=0.05)
        if driver.execute_script("return window.__scenefarmNoReload") != 1:
            fail("the jobs page reloaded")
        if progress != sorted(progress) or len(set(progress)) < 2:
            fail(f"progress did not rise step by step on the page: {progress}")
        seen["progress"] = progress
        shot("jobs")

        # The job page: every task on the timeline, thumbnails decoded.
        tasks = api(args.url, f"/api/v1/jobs/{job}/tasks")["tasks"]
        driver.get(f"{args.url}/jobs/{job}")
        def timeline():
            # Read in one go (retried by wait if a live update replaces the rows meanwhile).
            rows = driver.find_elements(By.CSS_SELECTOR, "table.timeline tr.task")
            return [(r.get_attribute("data-task"), r.get_attribute("data-state"), bool(r.find_elements(By.CSS_SELECTOR, ".bar.done"))) for r in rows] or None
        rows = wait("the timeline", timeline)
        listed = [name for name, _, _ in rows]
        if listed != [t["name"] for t in tasks]:
            fail(f"timeline lists {listed}, the job has {[t['name'] for t in tasks]}")
        if any(state != "done" for _, state, _ in rows):
            fail("a task on the timeline is not done")
        if any(not bar for _, _, bar in rows):
            fail("a task has no bar on the timeline")
        seen["timeline"] = listed
        def decoded():
            images = driver.find_elements(By.CSS_SELECTOR, "img.thumb")
            sizes = [driver.execute_script("return [arguments[0].complete, arguments[0].naturalWidth, arguments[0].naturalHeight]", i) for i in images]
            return sizes if images and all(c and w > 0 and h > 0 for c, w, h in sizes) else None
        seen["thumbnails"] = len(wait("every thumbnail to decode", decoded, timeout=20))
        shot("job")

        # Nodes page: drain and resume from the buttons.
        driver.get(args.url + "/nodes")
        driver.execute_script("window.__scenefarmNoReload = 1")
        node = f'tr[data-node="{args.node}"]'
        wait("the node on the nodes page", lambda: driver.find_elements(By.CSS_SELECTOR, node))
        click("the node's drain button", lambda: driver.find_element(By.CSS_SELECTOR, node + " button[data-action$='/drain']"))
        wait("the node to show drained", lambda: driver.find_element(By.CSS_SELECTOR, node).get_attribute("data-state") == "drained", timeout=10)
        if not [n for n in api(args.url, "/api/v1/nodes")["nodes"] if n["name"] == args.node and n["drained"]]:
            fail("the API does not list the node as drained")
        shot("nodes-drained")
        click("the node's resume button", lambda: driver.find_element(By.CSS_SELECTOR, node + " button[data-action$='/resume']"))
        wait("the node to show resumed", lambda: driver.find_element(By.CSS_SELECTOR, node).get_attribute("data-state") in ("idle", "busy"), timeout=10)
        if driver.execute_script("return window.__scenefarmNoReload") != 1:
            fail("the nodes page reloaded")
        shot("nodes")

        # A second job, cancelled from the jobs page.
        driver.get(args.url + "/")
        second = submit(args.long_shot)
        seen["cancelled"] = second
        row = f'tr[data-job="{second}"]'
        # Its priority, typed into the row's field and set with the button beside it.
        def type_priority():
            field = driver.find_element(By.CSS_SELECTOR, row + " input.priority")
            field.clear()
            field.send_keys("12")
            field.find_element(By.XPATH, "following-sibling::button[@data-priority]").click()
            return True
        wait("the second job's priority field and button", type_priority, timeout=10)
        wait("the API to show the second job's priority 12", lambda: api(args.url, f"/api/v1/jobs/{second}")["priority"] == 12, timeout=10)
        # The page shows the new priority from the server (the field's HTML value attribute, not
        # what was typed) once a live update brings it.
        wait("the row to show priority 12 from the server", lambda: driver.execute_script(
            "return document.querySelector(arguments[0]).getAttribute('value')", row + " input.priority") == "12", timeout=10)
        seen["priority"] = 12
        shot("jobs-priority")
        click("the second job's cancel button", lambda: driver.find_element(By.CSS_SELECTOR, row + " button[data-action$='/cancel']"))
        wait("the second job to show cancelled", lambda: driver.find_element(By.CSS_SELECTOR, row).get_attribute("data-state") == "cancelled", timeout=10)
        if api(args.url, f"/api/v1/jobs/{second}")["state"] != "cancelled":
            fail("the API does not show the second job cancelled")
        shot("jobs-cancelled")
    finally:
        driver.quit()
    print(json.dumps(seen))


if __name__ == "__main__":
    main()
