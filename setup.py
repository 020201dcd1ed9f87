"Package metadata comes from settings.ini, which nbdev also reads."
from configparser import ConfigParser
from setuptools import find_packages, setup

cfg = ConfigParser(delimiters=['='])
cfg.read('settings.ini', encoding='utf-8')
c = cfg['DEFAULT']
scripts = [s for s in c.get('console_scripts', '').split() if s]

setup(
    name=c['lib_name'], version=c['version'], description=c['description'],
    author=c['author'], author_email=c['author_email'], license=c['license'],
    url=c['git_url'], keywords=c['keywords'].split(), python_requires=f">={c['min_python']}",
    packages=find_packages(include=[c['lib_name'], c['lib_name'] + '.*']),
    include_package_data=True,
    install_requires=c['requirements'].split(),
    extras_require={'dev': c['dev_requirements'].split(), 'ray': c.get('ray_requirements', '').split()},
    entry_points={'console_scripts': scripts, 'nbdev': [f"{c['lib_path']}={c['lib_path']}._modidx:d"]},
    long_description=open('README.md', encoding='utf-8').read() if __import__('os').path.exists('README.md') else '',
    long_description_content_type='text/markdown', zip_safe=False,
)
