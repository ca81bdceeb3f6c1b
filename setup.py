"""Lists every sub-folder of the four roots as a package of `codeeval` (see pyproject.toml)."""

from setuptools import find_namespace_packages, setup

ROOTS = {
    "codeeval": "codeeval",
    "codeeval.providers": "providers",
    "codeeval.tasks": "tasks",
    "codeeval.reports": "reports",
}

setup(
    packages=[
        package
        for name, folder in ROOTS.items()
        for package in (
            name,
            *(
                f"{name}.{sub}"
                for sub in find_namespace_packages(folder, exclude=["__pycache__", "*.__pycache__"])
            ),
        )
    ]
)
