"""HELM003: Helm values that deploy an image by a moving tag (``latest``, ``main``...)."""

from __future__ import annotations

from collections.abc import Iterator

from ..api import Category, Check, Finding, Severity
from ..models.helm import HelmValues, disabled, values_images
from ..models.images import is_moving_tag

CHECK = Check(
    code="HELM003",
    name="values-floating-image-tag",
    title="Helm values set an image tag that moves (`latest`, `main`, `stable`...)",
    severity=Severity.HIGH,
    category=Category.SUPPLY_CHAIN,
    rationale=(
        "A tag such as `latest`, `main` or `stable` names a channel, not a release: two nodes can "
        "run different code from the same chart release, `helm rollback` redeploys whatever the tag "
        "points to today, and a broken or compromised push reaches production at the next pod "
        "restart. The values are where the chart takes the tag from, so that is where to pin it."
    ),
    remediation=(
        "Set the image `tag` to a release (`tag: 2.4.1`), ideally with its `digest`.",
        "Or leave `tag` unset so the chart uses its `appVersion`, and pin the chart version.",
        "Let Renovate or an image updater bump the tag in a reviewed change.",
    ),
    effort="30m",
    references=(
        "https://kubernetes.io/docs/concepts/containers/images/#image-names",
        "https://helm.sh/docs/chart_best_practices/values/",
    ),
    peers=("kube-linter latest-tag (on rendered manifests)",),
)


@CHECK.on(HelmValues)
def values_floating_image_tag(values: HelmValues) -> Iterator[Finding]:
    if values.chart_testing:
        return  # chart-testing values (<chart>/ci/): installed by CI to test the chart, never deployed
    # a chart's values.yaml holds its defaults, which the values a release is deployed with may
    # override (an environment's file, a HelmRelease, --set in CI): one step lower there
    defaults = values.chart_defaults
    for image in values_images(values.root):
        if image.digest or image.tag is None or image.node is None or disabled(values.root, image.node):
            continue  # unset: the chart's default (its appVersion)
        tag = image.tag.strip()
        if not tag or "{{" in tag or "$" in tag or not is_moving_tag(tag):
            continue  # an empty tag falls back to the chart's appVersion (HELM002 judges that)
        yield CHECK.finding(
            values.pos(image.node, image.key), resource=f"{values.resource}/{values.dotted(image.node)}",
            message=f"{values.origin} sets image {image.image!r} with the moving tag {tag!r} "
                    f"({values.dotted(image.node, image.key)})"
                    + (" as a default; the values a release is deployed with may override it" if defaults else ""),
            evidence=f"{values.dotted(image.node, image.key)}: {tag}",
            severity=Severity.MEDIUM if defaults else None,
        )
